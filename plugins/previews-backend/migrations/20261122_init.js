// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('previews', table => {
    table.comment('One preview environment of one component at one branch');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('branch', 255).notNullable();
    table.string('engine', 63).notNullable();
    table
      .string('name', 63)
      .notNullable()
      .comment('DNS-1123 name, also the namespace');
    table.string('namespace', 63).notNullable();
    table.string('status', 32).notNullable();
    table.text('status_message').nullable();
    table.text('url').nullable();
    table.string('created_by', 255).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('ready_at', { useTz: true }).nullable();
    table.timestamp('destroyed_at', { useTz: true }).nullable();
    // "<entityRef> <branch>" while the preview is live, null once destroyed:
    // at most one live preview per component and branch, on SQLite and Postgres alike.
    table.string('live_key', 520).nullable().unique();
    table.index(['entity_ref'], 'previews_entity_ref_idx');
    table.index(['status'], 'previews_status_idx');
    table.index(['name'], 'previews_name_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('previews');
};
