// @ts-check

/**
 * Smoke tests (issue 18): the latest run of a preview's tests (JSON, with
 * each test's result), its number and status as columns so that starting
 * and finishing a run are compare-and-set, and the test specs of the
 * rollout they belong to (what a run and a re-run start).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table
      .text('tests')
      .nullable()
      .comment('JSON latest smoke test run: trigger, sha, times, results');
    table.integer('tests_run').nullable().comment('number of the latest run');
    table
      .string('tests_status', 16)
      .nullable()
      .comment('pending, running, passed, failed');
    table
      .text('test_plan')
      .nullable()
      .comment('JSON tests of the spec deployed');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('previews', table => {
    table.dropColumn('tests');
    table.dropColumn('tests_run');
    table.dropColumn('tests_status');
    table.dropColumn('test_plan');
  });
};
