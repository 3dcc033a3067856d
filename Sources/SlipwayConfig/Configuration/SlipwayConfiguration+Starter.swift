extension SlipwayConfiguration {
    /// The commented `slipway.toml` that `slipway init` writes.
    ///
    /// Every key is present with its default, commented out, so the file changes nothing until a line is
    /// uncommented; two example environments take their connection from environment variables.
    public static let starterFile: String = #"""
    # slipway.toml — configuration for Slipway (see docs/configuration.md).
    #
    # Every key below is optional and shown commented out with its default. Precedence, highest first:
    # command-line flag > environment variable (SLIPWAY_*, DATABASE_URL) > this file > default.
    # Durations are strings with units: "500ms", "2s", "1m30s", "1h".
    #
    # NEVER put a password in this file. Put the URL in an environment variable (url_env), or use a libpq
    # service file (pg_service.conf) together with ~/.pgpass or PGPASSWORD.

    # migrations_dir = "migrations"        # directory of migration files
    # schema = "public"                     # the application schema migrations change
    # state_schema = "slipway"              # schema of Slipway's own state tables
    # application_name = "slipway"          # application_name of Slipway's sessions (pg_stat_activity)

    [connection]
    # url_env = "DATABASE_URL"              # environment variable holding the connection URL
    # service = "myapp"                     # or: a libpq service name from pg_service.conf
    # url = "postgresql://app@localhost/app"  # or: a URL/keyword string WITHOUT a password

    [lock]
    # lock_timeout = "2s"                   # lock_timeout of each DDL attempt
    # statement_timeout = "5s"              # statement_timeout while holding ACCESS EXCLUSIVE
    # max_attempts = 10                     # attempts per statement that hits lock_timeout
    # retry_deadline = "5m"                 # stop retrying after this long
    # backoff_initial = "200ms"             # first wait between attempts (doubles, with jitter)
    # backoff_max = "10s"                   # longest wait between attempts
    # concurrent_index_wait = "30m"         # how long CREATE INDEX CONCURRENTLY may take
    # blocker_policy = "report"             # blocking sessions: "report", "cancel" or "terminate"
    # blocker_grace = "30s"                 # how long a blocker may block before cancel/terminate

    [backfill]
    # batch_size = 1000                     # rows in the first batch (then adapts)
    # min_batch_size = 100                  # smallest adaptive batch
    # max_batch_size = 50000                # largest adaptive batch
    # target_batch_time = "200ms"           # batch size adapts to take about this long
    # workers = 1                           # concurrent batch workers
    # pause_between_batches = "0ms"         # sleep between batches
    # max_replica_lag = "10s"               # pause while a replica lags more than this
    # max_replica_lag_bytes = 0             # also pause while a replica replays this many WAL bytes behind (0 = off)
    # max_probe_latency = "250ms"           # slow down while the latency probe is slower than this
    # vacuum_every_batches = 0              # VACUUM the table every N batches (0 = never)

    [lint]
    # disable = []                          # rule ids that do not run
    # enable = []                           # opt-in rule ids that run
    # fail_on = "error"                     # findings that fail lint/plan: "error", "warning" or "none"

    # [lint.severity]                       # per-rule severity: "error", "warning" or "off"
    # rule-id = "warning"

    [release]                               # see docs/releases.md
    # branch = "main"                       # releases are cut from this branch
    # require_branch = true                 # refuse to cut from another branch
    # require_clean = true                  # refuse to cut with uncommitted changes
    # tag_prefix = "v"                      # tags look like v1.4.0
    # first_version = "0.1.0"               # version of the first release
    # zero_major_breaking = "minor"         # breaking change in 0.x bumps "minor" or "major"
    # non_conventional = "other"            # non-conventional commits: "other" (listed) or "ignore"
    # other_section = "Other"               # changelog section for them
    # breaking_section = "⚠ BREAKING CHANGES"  # changelog section for breaking changes
    # include_merge_commits = false         # classify merge commits themselves too
    # remote = "origin"                     # remote for links and pushes
    # changelog = true                      # write the changelog on a cut
    # changelog_path = "CHANGELOG.md"       # the changelog file
    # changelog_template = "release.mustache"  # Mustache template for a release section (default: built in)
    # migrations_dir = "migrations"         # migrations the manifest lists (default: top-level migrations_dir)
    # manifest = true                       # write the release manifest on a cut
    # manifest_path = "migrations/releases/{version}.json"  # manifest file ({version}, {tag})
    # commit_message = "chore(release): {version}"  # release commit message ({version}, {tag}, {component})
    # push = false                          # push the release commit and tag
    # sign = false                          # sign the tag (git tag -s)
    # git = "git"                           # git executable

    # [release.check]                       # slipway release check (commit lint)
    # max_header_length = 100               # longest commit header (0 = no limit)
    # strict_types = true                   # reject commit types missing from the type table

    # [[release.types]]                     # replaces the built-in type table (feat, fix, perf, ...)
    # type = "feat"                         # commit type
    # bump = "minor"                        # "none", "patch", "minor" or "major"
    # section = "Features"                  # changelog section
    # hidden = false                        # never list in the changelog

    # [[release.version_files]]             # files whose version a release rewrites
    # path = "package.json"                 # file, relative to the repository root
    # kind = "json"                         # "file", "json", "toml" or "regex"
    # key = "version"                       # json/toml: dotted key path of the version
    #   (kind "regex" takes pattern, a regular expression with one capture group around the version)

    # [release.hooks]
    # before = []                           # shell commands before anything is written
    # after = []                            # shell commands after the tag (and push)

    # [[release.components]]                # monorepo: independently versioned components
    # name = "api"                          # component name
    # path = "services/api"                 # its directory
    # tag_prefix = "api-v"                  # its tag prefix (default NAME-v)
    # changelog_path = "services/api/CHANGELOG.md"  # its changelog (default PATH/CHANGELOG.md)

    [backup]
    # mode = "pg_dump"                      # "pg_dump", "command" or "none"
    # command = "pgbackrest --stanza=main backup"  # for mode = "command"
    # directory = "backups"                 # where pg_dump backups go
    # keep_last = 10                        # keep at least the newest N backups
    # keep_days = 30                        # delete older backups after N days
    # verify = true                         # read each backup back whole
    # restore_drill = false                 # restore each backup into a throwaway database
    # restore_point = false                 # pg_create_restore_point for PITR
    # pg_dump_path = "/usr/lib/postgresql/17/bin/pg_dump"  # pg_dump binary (default: newest found)

    # Environments: select one with --env NAME or SLIPWAY_ENV=NAME.
    # Keys: url_env, service, url, schema, backup_required, auto_complete, plan_gate ("none", "warning",
    # "error"), health_check, health_query, health_timeout, allowed_roles, and [environments.NAME.lock],
    # [environments.NAME.backfill], [environments.NAME.backup] overriding the sections above.

    [environments.staging]
    url_env = "STAGING_DATABASE_URL"        # the URL (with its password) comes from this variable
    # backup_required = false               # default: false (true for "production"/"prod")
    # plan_gate = "none"                    # plan findings that block a deploy

    [environments.production]
    url_env = "PRODUCTION_DATABASE_URL"
    # backup_required = true                # default for "production": true
    # auto_complete = true                  # complete migrations after the health gate
    # plan_gate = "error"                   # block deploys on plan errors
    # health_check = "curl -fsS https://example.com/healthz"  # must exit 0 before complete
    # health_query = "SELECT count(*) = 0 FROM failed_jobs"  # SQL on the new version schema; first column must be true
    # health_timeout = "60s"                # how long the health check (and query) may take
    # allowed_roles = ["deployer"]          # database roles allowed to deploy here

    # [environments.production.lock]
    # lock_timeout = "1s"                   # stricter than the default on the busiest database

    """#
}
