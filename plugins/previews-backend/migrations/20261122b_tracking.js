// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table.string('sha', 64).nullable().comment('head commit last deployed');
    table.string('cluster', 63).nullable();
    table.string('spec_source', 255).nullable();
    table
      .text('details')
      .nullable()
      .comment('JSON: pods, restarts, warnings, blockers');
    table.timestamp('destroy_started_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('previews', table => {
    table.dropColumn('sha');
    table.dropColumn('cluster');
    table.dropColumn('spec_source');
    table.dropColumn('details');
    table.dropColumn('destroy_started_at');
  });
};
