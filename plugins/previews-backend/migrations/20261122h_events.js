// @ts-check

/**
 * The history of each preview: its creation, every status change and every
 * request that changed it (who, what, and how it ended).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('preview_events', table => {
    table.comment('What happened to a preview, oldest first');
    table.increments('seq').primary();
    table.string('preview_id', 36).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table
      .string('type', 64)
      .notNullable()
      .comment(
        'created, status, destroy-requested, or the request (preview-redeploy, ...)',
      );
    table
      .string('actor', 255)
      .nullable()
      .comment('user entity ref, service, or system');
    table.text('message').notNullable();
    table.index(['preview_id', 'seq'], 'preview_events_preview_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('preview_events');
};
