// @ts-check

/**
 * GitHub: which pull request a preview belongs to, what created it, its
 * GitHub Deployment; the last known state of each pull request (so late or
 * repeated webhook deliveries cannot resurrect or roll back a preview) and
 * the delivery ids already handled.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('previews', table => {
    table.integer('pr_number').nullable();
    table.string('pr_title', 512).nullable();
    table.text('pr_url').nullable();
    table.string('repo', 255).nullable().comment('GitHub owner/name');
    table.string('trigger', 16).nullable().comment("'portal' or 'label'");
    table.string('github_deployment_id', 32).nullable();
    table.index(['repo', 'pr_number'], 'previews_repo_pr_idx');
  });
  await knex.schema.createTable('previews_github_pull_requests', table => {
    table.comment(
      'Last known state of a pull request, from webhooks and polling',
    );
    table.string('repo', 255).notNullable();
    table.integer('number').notNullable();
    table.string('state', 16).notNullable().comment("'open' or 'closed'");
    table.string('head_sha', 64).nullable();
    table
      .string('pr_updated_at', 40)
      .nullable()
      .comment('updated_at of the newest payload seen');
    table.text('labels').nullable().comment('JSON array of label names');
    table.primary(['repo', 'number']);
  });
  await knex.schema.createTable('previews_github_deliveries', table => {
    table.comment('Webhook deliveries already handled (x-github-delivery)');
    table.string('delivery_id', 64).primary().notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('previews_github_deliveries');
  await knex.schema.dropTable('previews_github_pull_requests');
  await knex.schema.alterTable('previews', table => {
    table.dropIndex(['repo', 'pr_number'], 'previews_repo_pr_idx');
    table.dropColumn('pr_number');
    table.dropColumn('pr_title');
    table.dropColumn('pr_url');
    table.dropColumn('repo');
    table.dropColumn('trigger');
    table.dropColumn('github_deployment_id');
  });
};
