// @ts-check

/**
 * GitHub: the CI check a `waiting-for-build` preview waits for, and a link to
 * that check run (shown among the preview's links).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table
      .string('wait_check', 255)
      .nullable()
      .comment('check run name a waiting preview waits for');
    table.text('wait_check_url').nullable().comment('link to that check run');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('previews', table => {
    table.dropColumn('wait_check');
    table.dropColumn('wait_check_url');
  });
};
