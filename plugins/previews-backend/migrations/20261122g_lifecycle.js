// @ts-check

/**
 * Lifecycle and cost (issue 8): when a preview expires (its TTL, moved by
 * extend; the effective deadline including the idle timeout and keep, which
 * the reaper compares with), its hard maximum, keep (by a user or by the PR
 * label), last activity, when its expiry warning went out, its owner group
 * (quotas, summary, notifications) and its requested resources (cost).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table
      .timestamp('ttl_expires_at', { useTz: true })
      .nullable()
      .comment('TTL expiry; extend moves it');
    table
      .timestamp('expires_at', { useTz: true })
      .nullable()
      .comment(
        'when the reaper destroys it; null: never (kept without a bound)',
      );
    table
      .timestamp('max_expires_at', { useTz: true })
      .nullable()
      .comment('latest expiry an extend can reach');
    table
      .timestamp('extended_until', { useTz: true })
      .nullable()
      .comment(
        'the expiry the last extend asked for: idle cannot end it earlier',
      );
    table.boolean('keep').nullable().comment('pinned by a user');
    table
      .boolean('keep_label')
      .nullable()
      .comment('its pull request carries the keep label');
    table.timestamp('last_activity_at', { useTz: true }).nullable();
    table
      .timestamp('warned_at', { useTz: true })
      .nullable()
      .comment('expiry warning sent (once; reset by extend)');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment('owner group of the component at creation');
    table
      .text('resources')
      .nullable()
      .comment('JSON: requested cpu cores, memory and storage GiB, spot');
    table.index(['expires_at'], 'previews_expires_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('previews', table => {
    table.dropIndex(['expires_at'], 'previews_expires_at_idx');
    for (const c of [
      'ttl_expires_at',
      'expires_at',
      'max_expires_at',
      'extended_until',
      'keep',
      'keep_label',
      'last_activity_at',
      'warned_at',
      'owner_ref',
      'resources',
    ]) {
      table.dropColumn(c);
    }
  });
};
