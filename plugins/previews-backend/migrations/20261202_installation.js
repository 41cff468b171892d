// @ts-check

/**
 * The id of this installation, generated once: it labels every preview's
 * namespace or Application so the orphan sweep touches only its own, also
 * when several Backstage installations deploy previews to one cluster.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('previews_installation', table => {
    table.comment('One row: the id of this installation');
    table
      .string('key', 32)
      .primary()
      .comment('Always "installation": the first insert wins');
    table.string('id', 63).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('previews_installation');
};
