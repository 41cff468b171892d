// @ts-check

/**
 * Per-preview databases (issue 7): the seed status of a preview's database
 * (JSON, from its seed and migrate Jobs) and its seed generation (bumped by
 * each reseed; names the Jobs).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table
      .text('seed')
      .nullable()
      .comment(
        'JSON seed status: phase, failed step, version, durations, log tail',
      );
    table
      .integer('seed_generation')
      .nullable()
      .comment('bumped by each reseed; null means 1');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('previews', table => {
    table.dropColumn('seed');
    table.dropColumn('seed_generation');
  });
};
