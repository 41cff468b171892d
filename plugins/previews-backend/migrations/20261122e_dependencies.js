// @ts-check

/**
 * Dependency wiring (issue 6): each preview's resolved dependencies (JSON:
 * env, target, URL, notice), its preview group (the branch, when wired to
 * another preview of the same branch) and how other previews reach it
 * (`service_url`); and the stored routes: per preview and dependency, the
 * preview it points to (none: staging), whether a user chose it, and a notice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table
      .text('dependencies')
      .nullable()
      .comment('JSON: resolved dependencies at the last deploy');
    table
      .string('dependency_group', 255)
      .nullable()
      .comment('the branch, when wired with another preview of it');
    table
      .string('service_url', 1024)
      .nullable()
      .comment('how previews of other components reach this one');
    table.index(['dependency_group'], 'previews_dependency_group_idx');
  });
  await knex.schema.createTable('preview_dependency_routes', table => {
    table
      .string('preview_id', 36)
      .notNullable()
      .comment('the dependent preview');
    table
      .string('dependency_ref', 255)
      .notNullable()
      .comment('the dependency component, lower case');
    table
      .string('target_preview_id', 36)
      .nullable()
      .comment('a preview of the dependency; null: staging');
    table
      .boolean('explicit')
      .notNullable()
      .defaultTo(false)
      .comment('chosen by a user');
    table
      .text('message')
      .nullable()
      .comment('notice, e.g. why it fell back to staging');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['preview_id', 'dependency_ref']);
    table.index(['target_preview_id'], 'preview_dependency_routes_target_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('preview_dependency_routes');
  await knex.schema.alterTable('previews', table => {
    table.dropIndex(['dependency_group'], 'previews_dependency_group_idx');
    table.dropColumn('dependencies');
    table.dropColumn('dependency_group');
    table.dropColumn('service_url');
  });
};
