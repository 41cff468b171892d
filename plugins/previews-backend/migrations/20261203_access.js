// @ts-check

/**
 * Protected preview URLs: the key access tokens are signed with (one per
 * installation, so every replica verifies what another signed), share links
 * for outside reviewers, and each preview's bypass token for automation
 * (only its SHA-256 is kept).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('previews_access_keys', table => {
    table.string('name', 64).primary();
    table.text('secret').notNullable().comment('base64 of 32 random bytes');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('preview_share_links', table => {
    table.uuid('id').primary();
    table.uuid('preview_id').notNullable().index();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('note', 200).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_by', 255).nullable();
  });
  await knex.schema.createTable('preview_bypass_tokens', table => {
    table.uuid('preview_id').primary();
    table.string('token_sha256', 64).notNullable();
    table.string('rotated_by', 255).notNullable();
    table.timestamp('rotated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('preview_bypass_tokens');
  await knex.schema.dropTable('preview_share_links');
  await knex.schema.dropTable('previews_access_keys');
};
