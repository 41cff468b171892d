// @ts-check

/**
 * The GitHub host of a preview's pull request: the same owner/name on two
 * hosts (github.com and a GitHub Enterprise) are two repositories, and a
 * pull request closed on one must not destroy the other's previews. Rows
 * from before have none: they count as the default host's.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table
      .string('repo_host', 255)
      .nullable()
      .comment(
        'GitHub host of the pull request (lower case); null: the default host',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('previews', table => {
    table.dropColumn('repo_host');
  });
};
