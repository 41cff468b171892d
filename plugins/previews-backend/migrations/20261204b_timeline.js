// @ts-check

/**
 * Timeline (issue 18): how long each phase of a preview's latest rollout
 * took, as JSON (what started it, when, seconds per phase).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table
      .text('timeline')
      .nullable()
      .comment('JSON latest rollout: trigger, start, seconds per phase');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('previews', table => {
    table.dropColumn('timeline');
  });
};
