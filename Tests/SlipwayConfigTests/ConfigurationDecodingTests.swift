import Testing
@testable import SlipwayConfig

/// Decodes `text` and returns the error lines (empty if it decoded).
func configurationErrors(_ text: String, file: String = "slipway.toml") -> [String] {
    do {
        _ = try SlipwayConfiguration.parse(text, file: file)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

@Suite("Configuration decoding")
struct ConfigurationDecodingTests {
    @Test func emptyFileMeansDefaults() throws {
        var expected = SlipwayConfiguration()
        expected.file = "slipway.toml"
        #expect(try SlipwayConfiguration.parse("") == expected)
        #expect(expected.lock.lockTimeout == .seconds(2))
        #expect(expected.backfill.targetBatchTime == .milliseconds(200))
        #expect(expected.release.types == nil)
        #expect(expected.connection.urlEnvironmentVariable == "DATABASE_URL")
    }

    @Test func everyKeyDecodes() throws {
        let configuration = try SlipwayConfiguration.parse("""
            migrations_dir = "db/migrations"
            schema = "app"
            state_schema = "slipway_state"
            application_name = "deployer"

            [connection]
            url_env = "APP_DATABASE_URL"
            service = "app"
            url = "postgresql://app@db.internal:5432/app?sslmode=require"

            [lock]
            lock_timeout = "1s"
            statement_timeout = "3s"
            max_attempts = 20
            retry_deadline = "10m"
            backoff_initial = "100ms"
            backoff_max = "5s"
            concurrent_index_wait = "1h"
            blocker_policy = "cancel"
            blocker_grace = "1m30s"

            [backfill]
            batch_size = 500
            min_batch_size = 50
            max_batch_size = 10_000
            target_batch_time = "100ms"
            workers = 4
            pause_between_batches = "10ms"
            max_replica_lag = "5s"
            max_replica_lag_bytes = 1000000
            max_probe_latency = "100ms"
            vacuum_every_batches = 100
            [lint]
            disable = ["require-concurrent-index"]
            enable = ["ban-char-type"]
            fail_on = "warning"
            [lint.severity]
            adding-not-null = "warning"
            "renaming-column" = "off"

            [release]
            branch = "trunk"
            require_branch = false
            require_clean = false
            tag_prefix = ""
            first_version = "1.0.0"
            zero_major_breaking = "major"
            non_conventional = "ignore"
            other_section = "Misc"
            breaking_section = "Breaking"
            include_merge_commits = true
            remote = "upstream"
            changelog = false
            changelog_path = "docs/CHANGES.md"
            changelog_template = "templates/changelog.mustache"
            changelog_header = "# Changes"
            migrations_dir = "db/migrations"
            manifest = false
            manifest_path = "db/releases/{tag}.json"
            commit_message = "release: {version}"
            push = true
            sign = true
            git = "/usr/bin/git"
            [release.check]
            max_header_length = 72
            strict_types = false
            [[release.types]]
            type = "feat"
            bump = "minor"
            section = "New"
            [[release.types]]
            type = "chore"
            bump = "none"
            hidden = true
            [release.hooks]
            before = ["make docs"]
            after = ["./notify.sh", "echo done"]
            [[release.version_files]]
            path = "VERSION"
            kind = "file"
            [[release.version_files]]
            path = "package.json"
            kind = "json"
            key = "version"
            [[release.version_files]]
            path = "Cargo.toml"
            kind = "toml"
            key = "package.version"
            [[release.version_files]]
            path = "Sources/Version.swift"
            kind = "regex"
            pattern = 'let version = "([^"]+)"'
            [[release.components]]
            name = "api"
            path = "services/api"
            [[release.components]]
            name = "web"
            path = "services/web"
            tag_prefix = "web@"
            changelog_path = "services/web/CHANGES.md"
            [[release.components.version_files]]
            path = "services/web/VERSION"
            kind = "file"

            [backup]
            mode = "command"
            command = "pgbackrest --stanza=main backup"
            directory = "/var/backups/slipway"
            keep_last = 5
            keep_days = 0
            verify = false
            restore_drill = true
            restore_point = true
            pg_dump_path = "/usr/lib/postgresql/17/bin/pg_dump"

            [environments.staging]
            service = "staging"
            schema = "app_staging"
            plan_gate = "warning"

            [environments.production]
            url_env = "PRODUCTION_DATABASE_URL"
            auto_complete = false
            plan_gate = "error"
            health_check = "curl -fsS https://example.com/healthz"
            health_timeout = "2m"
            allowed_roles = ["deployer", "dba"]
            [environments.production.lock]
            lock_timeout = "500ms"
            [environments.production.backfill]
            workers = 2
            [environments.production.backup]
            restore_drill = false
            """)
        #expect(configuration.migrationsDirectory == "db/migrations")
        #expect(configuration.schema == "app")
        #expect(configuration.stateSchema == "slipway_state")
        #expect(configuration.applicationName == "deployer")
        #expect(configuration.connection.urlEnvironmentVariable == "APP_DATABASE_URL")
        #expect(configuration.connection.service == "app")
        #expect(configuration.connection.url == "postgresql://app@db.internal:5432/app?sslmode=require")

        var lock = LockSection()
        lock.lockTimeout = .seconds(1)
        lock.statementTimeout = .seconds(3)
        lock.maxAttempts = 20
        lock.retryDeadline = .seconds(600)
        lock.backoffInitial = .milliseconds(100)
        lock.backoffMax = .seconds(5)
        lock.concurrentIndexWait = .seconds(3600)
        lock.blockerPolicy = .cancel
        lock.blockerGrace = .seconds(90)
        #expect(configuration.lock == lock)

        var backfill = BackfillSection()
        backfill.batchSize = 500
        backfill.minBatchSize = 50
        backfill.maxBatchSize = 10_000
        backfill.targetBatchTime = .milliseconds(100)
        backfill.workers = 4
        backfill.pauseBetweenBatches = .milliseconds(10)
        backfill.maxReplicaLag = .seconds(5)
        backfill.maxReplicaLagBytes = 1_000_000
        backfill.maxProbeLatency = .milliseconds(100)
        backfill.vacuumEveryBatches = 100
        #expect(configuration.backfill == backfill)

        #expect(configuration.lint.disable == ["require-concurrent-index"])
        #expect(configuration.lint.enable == ["ban-char-type"])
        #expect(configuration.lint.failOn == .warning)
        #expect(configuration.lint.severity == ["adding-not-null": .warning, "renaming-column": .off])

        let release = configuration.release
        #expect(release.branch == "trunk")
        #expect(!release.requireBranch && !release.requireClean)
        #expect(release.tagPrefix == "")
        #expect(release.firstVersion == "1.0.0")
        #expect(release.zeroMajorBreaking == .major)
        #expect(release.nonConventional == .ignore)
        #expect(release.otherSection == "Misc")
        #expect(release.breakingSection == "Breaking")
        #expect(release.includeMergeCommits)
        #expect(release.remote == "upstream")
        #expect(!release.changelogEnabled)
        #expect(release.changelogPath == "docs/CHANGES.md")
        #expect(release.changelogTemplate == "templates/changelog.mustache")
        #expect(release.changelogHeader == "# Changes")
        #expect(release.migrationsDirectory == "db/migrations")
        #expect(!release.manifestEnabled)
        #expect(release.manifestPath == "db/releases/{tag}.json")
        #expect(release.commitMessage == "release: {version}")
        #expect(release.push && release.sign)
        #expect(release.git == "/usr/bin/git")
        #expect(release.maxHeaderLength == 72)
        #expect(!release.strictTypes)
        #expect(release.types == [
            ReleaseTypeRule(type: "feat", bump: .minor, section: "New"),
            ReleaseTypeRule(type: "chore", bump: .none, hidden: true),
        ])
        #expect(release.hooks.before == ["make docs"])
        #expect(release.hooks.after == ["./notify.sh", "echo done"])
        #expect(release.versionFiles == [
            VersionFileEntry(path: "VERSION", kind: .file),
            VersionFileEntry(path: "package.json", kind: .json, key: "version"),
            VersionFileEntry(path: "Cargo.toml", kind: .toml, key: "package.version"),
            VersionFileEntry(path: "Sources/Version.swift", kind: .regex, pattern: "let version = \"([^\"]+)\""),
        ])
        #expect(release.components == [
            ReleaseComponentEntry(name: "api", path: "services/api", tagPrefix: "api-v"),
            ReleaseComponentEntry(name: "web", path: "services/web", tagPrefix: "web@", changelogPath: "services/web/CHANGES.md",
                                  versionFiles: [VersionFileEntry(path: "services/web/VERSION", kind: .file)]),
        ])

        var backup = BackupSection()
        backup.mode = .command
        backup.command = "pgbackrest --stanza=main backup"
        backup.directory = "/var/backups/slipway"
        backup.keepLast = 5
        backup.keepDays = 0
        backup.verify = false
        backup.restoreDrill = true
        backup.restorePoint = true
        backup.pgDumpPath = "/usr/lib/postgresql/17/bin/pg_dump"
        #expect(configuration.backup == backup)

        #expect(configuration.environments.map(\.name) == ["staging", "production"])
        let staging = try #require(configuration.environment(named: "staging"))
        #expect(staging.service == "staging")
        #expect(staging.schema == "app_staging")
        #expect(staging.planGate == .warning)
        #expect(!staging.backupRequired)
        #expect(staging.lock == lock)
        let production = try #require(configuration.environment(named: "production"))
        #expect(production.urlEnvironmentVariable == "PRODUCTION_DATABASE_URL")
        #expect(production.backupRequired)
        #expect(!production.autoComplete)
        #expect(production.planGate == .error)
        #expect(production.healthCheck == "curl -fsS https://example.com/healthz")
        #expect(production.healthTimeout == .seconds(120))
        #expect(production.allowedRoles == ["deployer", "dba"])
        // Overrides apply over the top-level sections, key by key.
        #expect(production.lock.lockTimeout == .milliseconds(500))
        #expect(production.lock.maxAttempts == 20)
        #expect(production.backfill.workers == 2)
        #expect(production.backfill.batchSize == 500)
        #expect(production.backup.restoreDrill == false)
        #expect(production.backup.mode == .command)
        #expect(production.position == SourcePosition(line: 121, column: 15))
        #expect(configuration.keyPositions["environments.production.lock.lock_timeout"] == SourcePosition(line: 129, column: 1))
    }

    @Test(arguments: [
        ("production", true), ("prod", true), ("staging", false), ("dev", false), ("Production", false),
    ])
    func backupRequiredDefaultsByName(name: String, required: Bool) throws {
        let configuration = try SlipwayConfiguration.parse("[environments.\(name)]\n")
        #expect(configuration.environment(named: name)?.backupRequired == required)
    }

    // MARK: Unknown keys

    @Test(arguments: [
        ("migration_dir = \"m\"", "slipway.toml:1:1: unknown key 'migration_dir' (did you mean 'migrations_dir'?)"),
        ("\n\n[lokc]\n", "slipway.toml:3:2: unknown key 'lokc' (did you mean 'lock'?)"),
        ("[lock]\nlock_timeot = \"1s\"", "slipway.toml:2:1: unknown key 'lock.lock_timeot' (did you mean 'lock_timeout'?)"),
        ("[backfill]\n  batchsize = 10", "slipway.toml:2:3: unknown key 'backfill.batchsize' (did you mean 'batch_size'?)"),
        ("[environments.production]\nurl_env = \"X\"\nbakup_required = true",
         "slipway.toml:3:1: unknown key 'environments.production.bakup_required' (did you mean 'backup_required'?)"),
        ("[environments.production.lock]\nmax_attempt = 3",
         "slipway.toml:2:1: unknown key 'environments.production.lock.max_attempt' (did you mean 'max_attempts'?)"),
        ("[environments.\"eu west\"]\nshema = \"x\"", "slipway.toml:2:1: unknown key 'environments.\"eu west\".shema' (did you mean 'schema'?)"),
        ("[[release.version_files]]\npath = \"VERSION\"\nkind = \"file\"\nkye = \"v\"",
         "slipway.toml:4:1: unknown key 'release.version_files[0].kye' (did you mean 'key'?)"),
        ("[[release.components]]\nname = \"a\"\npath = \"a\"\ntag = \"x\"",
         "slipway.toml:4:1: unknown key 'release.components[0].tag' (known keys: name, path, tag_prefix, changelog_path, version_files)"),
        ("[release.types]\nfeat = { bump = \"minor\", title = \"New\" }",
         "slipway.toml:2:26: unknown key 'release.types.feat.title' (known keys: bump, section, hidden)"),
        ("[[release.types]]\ntype = \"feat\"\nbump = \"minor\"\nsection_title = \"New\"",
         "slipway.toml:4:1: unknown key 'release.types[0].section_title' (did you mean 'section'?)"),
        ("[release.check]\nmax_header = 80", "slipway.toml:2:1: unknown key 'release.check.max_header' (did you mean 'max_header_length'?)"),
        ("[[release.components]]\nname = \"a\"\npath = \"a\"\n[[release.components.version_files]]\npath = \"V\"\nkind = \"file\"\nfile = 1",
         "slipway.toml:7:1: unknown key 'release.components[0].version_files[0].file' (known keys: path, kind, key, pattern)"),
        ("[release.hooks]\nbefor = []", "slipway.toml:2:1: unknown key 'release.hooks.befor' (did you mean 'before'?)"),
        ("[connection]\npassword = \"hunter2\"",
         "slipway.toml:2:1: unknown key 'connection.password': never put a password in slipway.toml; use url_env, a libpq service file or ~/.pgpass"),
        ("lock.xyzzy = 1", "slipway.toml:1:6: unknown key 'lock.xyzzy' (known keys: lock_timeout, statement_timeout, max_attempts, retry_deadline, backoff_initial, backoff_max, concurrent_index_wait, concurrent_max_attempts, blocker_policy, blocker_grace)"),
    ])
    func unknownKey(text: String, expected: String) {
        #expect(configurationErrors(text) == [expected])
    }

    @Test func unknownKeysUseTheGivenFileName() {
        #expect(configurationErrors("[lock]\nlock_timeot = \"1s\"", file: "config/slipway.staging.toml")
            == ["config/slipway.staging.toml:2:1: unknown key 'lock.lock_timeot' (did you mean 'lock_timeout'?)"])
    }

    @Test func allErrorsAreCollectedInFileOrder() {
        let errors = configurationErrors("""
            [lock]
            max_attempts = "10"
            lock_timeout = 2000

            [backfill]
            workers = 0

            [environments.production]
            bakup_required = true
            plan_gate = "strict"
            """)
        #expect(errors == [
            "slipway.toml:2:16: 'lock.max_attempts' must be an integer, found a string \"10\"",
            "slipway.toml:3:16: 'lock.lock_timeout' must be a duration string, a number with a unit: \"500ms\", \"2s\", \"1m30s\", \"1h\" (units h, m, s, ms); found an integer 2000 (bare numbers are not durations: write \"2000ms\" or \"2000s\")",
            "slipway.toml:6:11: 'backfill.workers' must be at least 1, found 0",
            "slipway.toml:9:1: unknown key 'environments.production.bakup_required' (did you mean 'backup_required'?)",
            "slipway.toml:10:13: 'environments.production.plan_gate' must be one of \"none\", \"warning\", \"error\"; found \"strict\"",
        ])
    }

    // MARK: Types and values

    @Test(arguments: [
        ("schema = 1", "slipway.toml:1:10: 'schema' must be a string, found an integer 1"),
        ("schema = \"\"", "slipway.toml:1:10: 'schema' must not be empty"),
        ("lock = 1", "slipway.toml:1:8: 'lock' must be a table, found an integer"),
        ("[lock]\nmax_attempts = 1.5", "slipway.toml:2:16: 'lock.max_attempts' must be an integer, found a float 1.5"),
        ("[lock]\nmax_attempts = 0", "slipway.toml:2:16: 'lock.max_attempts' must be at least 1, found 0"),
        ("[lock]\nblocker_policy = \"kill\"", "slipway.toml:2:18: 'lock.blocker_policy' must be one of \"report\", \"cancel\", \"terminate\"; found \"kill\""),
        ("[lock]\nblocker_policy = \"terminat\"", "slipway.toml:2:18: 'lock.blocker_policy' must be one of \"report\", \"cancel\", \"terminate\"; found \"terminat\" (did you mean \"terminate\"?)"),
        ("[lock]\nbackoff_initial = \"20s\"", "slipway.toml:2:19: 'lock.backoff_initial' (20s) must not be longer than 'backoff_max' (10s)"),
        ("[backfill]\nbatch_size = 10", "slipway.toml:2:14: 'backfill' batch sizes must satisfy min_batch_size (100) ≤ batch_size (10) ≤ max_batch_size (50000)"),
        ("[backup]\nverify = \"yes\"", "slipway.toml:2:10: 'backup.verify' must be true or false, found a string \"yes\""),
        ("[backup]\nmode = \"command\"", "slipway.toml:2:8: 'backup' has mode = \"command\" but no 'command' (the shell command that takes the backup)"),
        ("[lint]\ndisable = \"rule\"", "slipway.toml:2:11: 'lint.disable' must be an array of strings, found a string \"rule\""),
        ("[lint]\nenable = [\"a\", 1]", "slipway.toml:2:10: 'lint.enable' must be an array of strings, found an array [\"a\", 1]"),
        ("[lint.severity]\nrule-x = \"fatal\"", "slipway.toml:2:10: 'lint.severity.rule-x' must be one of \"error\", \"warning\", \"off\"; found \"fatal\""),
        ("[release]\nfirst_version = \"1.0\"", "slipway.toml:2:17: 'release.first_version' must be a version MAJOR.MINOR.PATCH like \"0.1.0\", found \"1.0\""),
        ("[release.types]\nfeat = \"big\"", "slipway.toml:2:8: 'release.types.feat' must be one of \"none\", \"patch\", \"minor\", \"major\"; found \"big\""),
        ("[release.types]\nfeat = 1", "slipway.toml:2:8: 'release.types.feat' must be a bump (\"none\", \"patch\", \"minor\", \"major\") or a table { bump = \"minor\", section = \"Features\" }, found an integer"),
        ("[release.types]\nfeat = { section = \"New\" }", "slipway.toml:2:8: 'release.types.feat' needs 'bump' (one of \"none\", \"patch\", \"minor\", \"major\")"),
        ("[[release.types]]\ntype = \"feat\"", "slipway.toml:1:11: 'release.types[0]' needs 'bump' (one of \"none\", \"patch\", \"minor\", \"major\")"),
        ("[[release.types]]\ntype = \"feat\"\nbump = \"minor\"\n[[release.types]]\ntype = \"FEAT\"\nbump = \"patch\"", "slipway.toml:5:8: commit type \"feat\" is configured twice (first at 'release.types[0]')"),
        ("[release]\ntypes = \"feat\"", "slipway.toml:2:9: 'release.types' must be [[release.types]] tables or a [release.types] table, found a string"),
        ("[release]\nchangelog = 1", "slipway.toml:2:13: 'release.changelog' must be true, false or the changelog's path, found an integer 1"),
        ("[release]\nnon_conventional = \"other\"\nother_commits = \"show\"", "slipway.toml:3:1: 'release.other_commits' and 'non_conventional' are the same setting; keep 'non_conventional'"),
        ("[release.check]\nmax_header_length = -1", "slipway.toml:2:21: 'release.check.max_header_length' must be at least 0, found -1"),
        ("[release]\nversion_files = \"VERSION\"", "slipway.toml:2:17: 'release.version_files' must be an array of tables ([[release.version_files]]), found a string"),
        ("[[release.version_files]]\npath = \"package.json\"", "slipway.toml:1:11: 'release.version_files[0]' needs 'kind' (one of \"file\", \"json\", \"toml\", \"regex\")"),
        ("[[release.version_files]]\nkind = \"file\"", "slipway.toml:1:11: 'release.version_files[0]' needs 'path' (the file, relative to the repository root)"),
        ("[[release.version_files]]\npath = \"package.json\"\nkind = \"json\"", "slipway.toml:1:11: 'release.version_files[0]' with kind = \"json\" needs 'key' (the dotted key path of the version, e.g. \"package.version\")"),
        ("[[release.version_files]]\npath = \"VERSION\"\nkind = \"file\"\nkey = \"v\"", "slipway.toml:4:1: 'release.version_files[0].key' is only used with kind = \"json\" or \"toml\", not kind = \"file\""),
        ("[[release.version_files]]\npath = \"a.toml\"\nkind = \"toml\"\nkey = \"v\"\npattern = \"(x)\"", "slipway.toml:5:1: 'release.version_files[0].pattern' is only used with kind = \"regex\", not kind = \"toml\""),
        ("[[release.version_files]]\npath = \"a\"\nkind = \"regex\"", "slipway.toml:1:11: 'release.version_files[0]' with kind = \"regex\" needs 'pattern' (a regular expression with one capture group around the version)"),
        ("[[release.version_files]]\npath = \"a\"\nkind = \"regex\"\npattern = 'v(\\d+)\\.(\\d+)'", "slipway.toml:4:11: 'release.version_files[0].pattern' has 2 capture groups; use one, or name the version's group (?<version>…)"),
        ("[[release.version_files]]\npath = \"a\"\nkind = \"regex\"\npattern = 'v\\d+'", "slipway.toml:4:11: 'release.version_files[0].pattern' needs a capture group around the version, e.g. 'version = \"([^\"]+)\"'"),
        ("[[release.version_files]]\npath = \"a\"\nkind = \"regex\"\npattern = 'v(('", "slipway.toml:4:11: 'release.version_files[0].pattern' is not a valid regular expression"),
        ("[[release.version_files]]\npath = \"a\"\nkind = \"yaml\"", "slipway.toml:3:8: 'release.version_files[0].kind' must be one of \"file\", \"json\", \"toml\", \"regex\"; found \"yaml\" (did you mean \"toml\"?)"),
        ("[[release.components]]\npath = \"a\"", "slipway.toml:1:11: 'release.components[0]' needs 'name'"),
        ("[[release.components]]\nname = \"a\"\npath = \"a\"\n[[release.components]]\nname = \"a\"\npath = \"b\"", "slipway.toml:5:8: component name \"a\" is used twice (first at 2:8)"),
        ("environments.staging = \"db\"", "slipway.toml:1:24: 'environments.staging' must be a table ([environments.staging]), found a string"),
        ("[environments.prod]\nbackup_required = 1", "slipway.toml:2:19: 'environments.prod.backup_required' must be true or false, found an integer 1"),
        ("[environments.prod.backup]\nmode = \"none\"", "slipway.toml:1:15: environment 'prod' requires a backup (backup_required = true) but its backup mode is \"none\""),
        ("[environments.prod]\nallowed_roles = \"dba\"", "slipway.toml:2:17: 'environments.prod.allowed_roles' must be an array of strings, found a string \"dba\""),
        ("[connection]\nurl_env = \"postgresql://app:s3cret@db/app\"", "slipway.toml:2:11: 'connection.url_env' must be the NAME of an environment variable (like \"DATABASE_URL\"), not a URL or connection string"),
        ("[connection]\nurl_env = 5", "slipway.toml:2:11: 'connection.url_env' must be a string (the name of an environment variable), found an integer"),
    ])
    func invalidValue(text: String, expected: String) {
        #expect(configurationErrors(text) == [expected])
    }

    @Test func earlierSpellingsOfReleaseKeys() throws {
        let release = try SlipwayConfiguration.parse("""
            [release]
            other_commits = "ignore"
            changelog = "docs/CHANGELOG.md"
            manifest_dir = "db/releases"
            [release.types]
            feat = { bump = "minor", section = "Features" }
            docs = "patch"
            """).release
        #expect(release.nonConventional == .ignore)
        #expect(release.changelogEnabled)
        #expect(release.changelogPath == "docs/CHANGELOG.md")
        #expect(release.manifestPath == "db/releases/{version}.json")
        #expect(release.types == [ReleaseTypeRule(type: "feat", bump: .minor, section: "Features"), ReleaseTypeRule(type: "docs", bump: .patch)])
    }

    @Test func namedVersionGroupAllowsMoreGroups() throws {
        let files = try SlipwayConfiguration.parse("[[release.version_files]]\npath = \"a\"\nkind = \"regex\"\npattern = '(v)(?<version>[0-9.]+)'").release.versionFiles
        #expect(files.count == 1)
    }

    // MARK: Durations

    @Test(arguments: ["2", "2 s", "2sec", "1.5s", "-1s", "1s1m", "1m1m", "", "ms", "1S", "99999999999999999999h"])
    func badDuration(text: String) {
        #expect(configurationErrors("[lock]\nblocker_grace = \"\(text)\"") == [
            "slipway.toml:2:17: invalid duration \"\(text)\" for 'lock.blocker_grace': expected a number with a unit: \"500ms\", \"2s\", \"1m30s\", \"1h\" (units h, m, s, ms)",
        ])
    }

    @Test func zeroIsRefusedWhereItWouldMeanNoTimeout() {
        #expect(configurationErrors("[lock]\nlock_timeout = \"0ms\"") == ["slipway.toml:2:16: 'lock.lock_timeout' must be longer than 0ms"])
        #expect(configurationErrors("[backfill]\npause_between_batches = \"0s\"") == [])
    }

    // MARK: Passwords

    @Test(arguments: [
        ("[connection]\nurl = \"postgresql://app:s3cret@db/app\"", "connection.url", 2, 7),
        ("[connection]\nurl = \"postgres://app:@db/app\"", "connection.url", 2, 7),
        ("[connection]\nurl = \"postgresql://db/app?user=app&password=s3cret\"", "connection.url", 2, 7),
        ("[connection]\nurl = \"host=db user=app password=s3cret\"", "connection.url", 2, 7),
        ("[connection]\nurl = \"host=db password = 'a b'\"", "connection.url", 2, 7),
        ("[environments.production]\nurl = \"postgresql://app:s3cret@db/app\"", "environments.production.url", 2, 7),
    ])
    func passwordInURLIsRefused(text: String, keyPath: String, line: Int, column: Int) throws {
        let error = try #require(throws: ConfigurationErrors.self) { try SlipwayConfiguration.parse(text) }
        #expect(error.errors.count == 1)
        let first = try #require(error.errors.first)
        #expect(first.code == .passwordInFile)
        #expect(first.keyPath == keyPath)
        #expect(first.description == "slipway.toml:\(line):\(column): '\(keyPath)' contains a password: never put a password in slipway.toml; use url_env, a libpq service file or ~/.pgpass")
        #expect(!first.description.contains("s3cret"))
    }

    @Test(arguments: [
        "postgresql://app@db.internal:5432/app?sslmode=verify-full",
        "postgresql:///app?host=/var/run/postgresql",
        "host=db.internal dbname=app user=app sslmode=require passfile=/etc/slipway/pgpass",
    ])
    func passwordFreeURLIsAccepted(url: String) throws {
        #expect(try SlipwayConfiguration.parse("[connection]\nurl = \"\(url)\"").connection.url == url)
    }

    @Test func syntaxErrorIsReportedAlone() throws {
        let error = try #require(throws: ConfigurationErrors.self) {
            try SlipwayConfiguration.parse("[lock]\nunknown = 1\nlock_timeout = \"2s\n")
        }
        #expect(error.errors.map(\.code) == [.invalidTOML])
        #expect(error.description == "slipway.toml:3:19: unterminated string (opened at 3:16): a single-line string cannot contain a newline; use \"\"\"…\"\"\" for multi-line text")
    }

    @Test func keyPositionsAreRecorded() throws {
        let configuration = try SlipwayConfiguration.parse("schema = \"app\"\n[lock]\n\n  lock_timeout = \"1s\"\n")
        #expect(configuration.keyPositions["schema"] == SourcePosition(line: 1, column: 1))
        #expect(configuration.keyPositions["lock.lock_timeout"] == SourcePosition(line: 4, column: 3))
        #expect(configuration.keyPositions["lock.max_attempts"] == nil)
    }
}
