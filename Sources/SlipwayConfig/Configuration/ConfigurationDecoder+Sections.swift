import Foundation

extension ConfigurationDecoder {
    /// Decodes the whole file: top-level values, the sections, then the environments over the sections.
    func decode(_ root: TOMLTable) -> SlipwayConfiguration {
        var configuration = SlipwayConfiguration()
        configuration.file = file
        checkKeys(root, at: "", allowed: SlipwayConfiguration.keys)
        if let value = string(root, "migrations_dir", "") { configuration.migrationsDirectory = value }
        if let value = identifier(root, "schema", "") { configuration.schema = value }
        if let value = identifier(root, "state_schema", "") { configuration.stateSchema = value }
        if let value = string(root, "application_name", "") { configuration.applicationName = value }
        if let table = table(root, "connection", "") {
            configuration.connection = decodeConnection(table, at: "connection")
        }
        if let table = table(root, "lock", "") {
            configuration.lock = decodeLock(table, at: "lock", over: LockSection())
        }
        if let table = table(root, "backfill", "") {
            configuration.backfill = decodeBackfill(table, at: "backfill", over: BackfillSection())
        }
        if let table = table(root, "lint", "") {
            configuration.lint = decodeLint(table, at: "lint")
        }
        if let table = table(root, "plan", "") {
            configuration.plan = decodePlan(table, at: "plan")
        }
        if let table = table(root, "release", "") {
            configuration.release = decodeRelease(table, at: "release")
        }
        if let table = table(root, "backup", "") {
            configuration.backup = decodeBackup(table, at: "backup", over: BackupSection())
        } else {
            validateBackup(configuration.backup, at: "backup", position: nil)
        }
        if let environments = table(root, "environments", "") {
            for entry in environments.entries {
                let path = Self.join("environments", entry.key)
                positions[path] = entry.keyPosition
                guard let table = entry.value.tableValue else {
                    report(.wrongType, "'\(path)' must be a table ([\(path)]), found \(Self.article(entry.value.typeName)) \(entry.value.typeName)",
                           at: entry.value.position, keyPath: path)
                    continue
                }
                configuration.environments.append(
                    decodeEnvironment(entry.key, table, at: path, position: entry.keyPosition, base: configuration))
            }
        }
        configuration.keyPositions = positions
        return configuration
    }

    /// A non-empty string used as a PostgreSQL identifier (schema names).
    func identifier(_ table: TOMLTable, _ key: String, _ prefix: String) -> String? {
        guard let value = string(table, key, prefix) else { return nil }
        if value.utf8.count > 63 {
            report(.invalidValue, "'\(Self.join(prefix, key))' is longer than PostgreSQL's 63-byte identifier limit",
                   at: table.entry(key)?.value.position, keyPath: Self.join(prefix, key))
            return nil
        }
        return value
    }

    // MARK: - Connection

    /// Reads `url_env`, `service` and `url` (shared by `[connection]` and environments).
    func decodeConnectionKeys(_ table: TOMLTable, at prefix: String) -> (urlEnv: String?, service: String?, url: String?) {
        var urlEnv: String?
        if let entry = entry(table, "url_env", prefix) {
            let path = Self.join(prefix, "url_env")
            if let name = entry.value.stringValue, Self.isEnvironmentVariableName(name) {
                urlEnv = name
            } else if entry.value.stringValue != nil {
                // Never echo the value: it may be the URL (with its password) pasted in the wrong place.
                report(.invalidValue, "'\(path)' must be the NAME of an environment variable (like \"DATABASE_URL\"), not a URL or connection string",
                       at: entry.value.position, keyPath: path)
            } else {
                report(.wrongType, "'\(path)' must be a string (the name of an environment variable), found \(Self.article(entry.value.typeName)) \(entry.value.typeName)",
                       at: entry.value.position, keyPath: path)
            }
        }
        let service = string(table, "service", prefix)
        var url: String?
        if let entry = entry(table, "url", prefix) {
            let path = Self.join(prefix, "url")
            if let text = entry.value.stringValue {
                if ConnectionRedaction.containsPassword(text) {
                    report(.passwordInFile, "'\(path)' contains a password: never put a password in slipway.toml; use url_env, a libpq service file or ~/.pgpass",
                           at: entry.value.position, keyPath: path)
                } else if text.trimmingCharacters(in: .whitespaces).isEmpty {
                    report(.invalidValue, "'\(path)' must not be empty", at: entry.value.position, keyPath: path)
                } else {
                    url = text
                }
            } else {
                report(.wrongType, "'\(path)' must be a string (a postgresql:// URL or a libpq keyword string), found \(Self.article(entry.value.typeName)) \(entry.value.typeName)",
                       at: entry.value.position, keyPath: path)
            }
        }
        return (urlEnv, service, url)
    }

    static func isEnvironmentVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { TOMLParser.isBareKeyByte($0) && $0 != UInt8(ascii: "-") }
    }

    func decodeConnection(_ table: TOMLTable, at prefix: String) -> ConnectionSection {
        checkKeys(table, at: prefix, allowed: ConnectionSection.keys)
        var settings = ConnectionSection()
        let keys = decodeConnectionKeys(table, at: prefix)
        if let urlEnv = keys.urlEnv { settings.urlEnvironmentVariable = urlEnv }
        settings.service = keys.service
        settings.url = keys.url
        return settings
    }

    // MARK: - Lock and backfill

    func decodeLock(_ table: TOMLTable, at prefix: String, over base: LockSection) -> LockSection {
        checkKeys(table, at: prefix, allowed: LockSection.keys)
        var settings = base
        if let value = duration(table, "lock_timeout", prefix, allowZero: false) { settings.lockTimeout = value }
        if let value = duration(table, "statement_timeout", prefix, allowZero: false) { settings.statementTimeout = value }
        if let value = integer(table, "max_attempts", prefix, minimum: 1) { settings.maxAttempts = value }
        if let value = duration(table, "retry_deadline", prefix, allowZero: false) { settings.retryDeadline = value }
        if let value = duration(table, "backoff_initial", prefix) { settings.backoffInitial = value }
        if let value = duration(table, "backoff_max", prefix) { settings.backoffMax = value }
        if let value = duration(table, "concurrent_index_wait", prefix, allowZero: false) { settings.concurrentIndexWait = value }
        if let value = choice(table, "blocker_policy", prefix, as: LockSection.BlockerPolicy.self) { settings.blockerPolicy = value }
        if let value = duration(table, "blocker_grace", prefix) { settings.blockerGrace = value }
        if let value = integer(table, "concurrent_max_attempts", prefix, minimum: 1) { settings.concurrentMaxAttempts = value }
        if settings.backoffInitial > settings.backoffMax {
            let key = table.entry("backoff_initial") != nil ? "backoff_initial" : "backoff_max"
            report(.invalidValue, "'\(Self.join(prefix, "backoff_initial"))' (\(DurationSyntax.format(settings.backoffInitial))) must not be longer than 'backoff_max' (\(DurationSyntax.format(settings.backoffMax)))",
                   at: table.entry(key)?.value.position, keyPath: Self.join(prefix, key))
        }
        return settings
    }

    func decodeBackfill(_ table: TOMLTable, at prefix: String, over base: BackfillSection) -> BackfillSection {
        checkKeys(table, at: prefix, allowed: BackfillSection.keys)
        var settings = base
        if let value = integer(table, "batch_size", prefix, minimum: 1) { settings.batchSize = value }
        if let value = integer(table, "min_batch_size", prefix, minimum: 1) { settings.minBatchSize = value }
        if let value = integer(table, "max_batch_size", prefix, minimum: 1) { settings.maxBatchSize = value }
        if let value = duration(table, "target_batch_time", prefix, allowZero: false) { settings.targetBatchTime = value }
        if let value = integer(table, "workers", prefix, minimum: 1) { settings.workers = value }
        if let value = duration(table, "pause_between_batches", prefix) { settings.pauseBetweenBatches = value }
        if let value = duration(table, "max_replica_lag", prefix, allowZero: false) { settings.maxReplicaLag = value }
        if let value = integer(table, "max_replica_lag_bytes", prefix, minimum: 0) { settings.maxReplicaLagBytes = value }
        if let value = duration(table, "max_probe_latency", prefix, allowZero: false) { settings.maxProbeLatency = value }
        if let value = integer(table, "vacuum_every_batches", prefix, minimum: 0) { settings.vacuumEveryBatches = value }
        if !(settings.minBatchSize <= settings.batchSize && settings.batchSize <= settings.maxBatchSize) {
            let key = ["batch_size", "min_batch_size", "max_batch_size"].first { table.entry($0) != nil } ?? "batch_size"
            report(.invalidValue, "'\(prefix)' batch sizes must satisfy min_batch_size (\(settings.minBatchSize)) ≤ batch_size (\(settings.batchSize)) ≤ max_batch_size (\(settings.maxBatchSize))",
                   at: table.entry(key)?.value.position, keyPath: Self.join(prefix, key))
        }
        return settings
    }

    // MARK: - Lint

    func decodeLint(_ table: TOMLTable, at prefix: String) -> LintSection {
        checkKeys(table, at: prefix, allowed: LintSection.keys)
        var settings = LintSection()
        if let value = stringArray(table, "disable", prefix) { settings.disable = value }
        if let value = stringArray(table, "enable", prefix) { settings.enable = value }
        if let value = choice(table, "fail_on", prefix, as: LintSection.FailOn.self) { settings.failOn = value }
        if let value = integer(table, "postgres_version", prefix, minimum: 9) { settings.postgresVersion = value }
        if let severity = self.table(table, "severity", prefix) {
            let path = Self.join(prefix, "severity")
            for entry in severity.entries {
                if let value = choice(severity, entry.key, path, as: LintSection.Severity.self) {
                    settings.severity[entry.key] = value
                }
            }
        }
        return settings
    }

    // MARK: - Backup

    func decodeBackup(_ table: TOMLTable, at prefix: String, over base: BackupSection, position: SourcePosition? = nil) -> BackupSection {
        checkKeys(table, at: prefix, allowed: BackupSection.keys)
        var settings = base
        if let value = choice(table, "mode", prefix, as: BackupSection.Mode.self) { settings.mode = value }
        if let value = string(table, "command", prefix) { settings.command = value }
        if let value = string(table, "directory", prefix) { settings.directory = value }
        if let value = integer(table, "keep_last", prefix, minimum: 0) { settings.keepLast = value }
        if let value = integer(table, "keep_days", prefix, minimum: 0) { settings.keepDays = value }
        if let value = boolean(table, "verify", prefix) { settings.verify = value }
        if let value = boolean(table, "restore_drill", prefix) { settings.restoreDrill = value }
        if let value = boolean(table, "restore_point", prefix) { settings.restorePoint = value }
        if let value = string(table, "pg_dump_path", prefix) { settings.pgDumpPath = value }
        validateBackup(settings, at: prefix, position: table.entry("mode")?.value.position ?? position)
        return settings
    }

    func validateBackup(_ settings: BackupSection, at prefix: String, position: SourcePosition?) {
        if settings.mode == .command, settings.command == nil {
            report(.missingKey, "'\(prefix)' has mode = \"command\" but no 'command' (the shell command that takes the backup)",
                   at: position, keyPath: Self.join(prefix, "command"))
        }
    }

    // MARK: - Environments

    func decodeEnvironment(_ name: String, _ table: TOMLTable, at prefix: String, position: SourcePosition, base: SlipwayConfiguration) -> EnvironmentSection {
        checkKeys(table, at: prefix, allowed: EnvironmentSection.keys)
        var environment = EnvironmentSection(name: name, lock: base.lock, backfill: base.backfill, backup: base.backup)
        environment.position = position
        let connection = decodeConnectionKeys(table, at: prefix)
        environment.urlEnvironmentVariable = connection.urlEnv
        environment.service = connection.service
        environment.url = connection.url
        environment.schema = identifier(table, "schema", prefix)
        if let value = boolean(table, "backup_required", prefix) { environment.backupRequired = value }
        if let value = boolean(table, "auto_complete", prefix) { environment.autoComplete = value }
        if let value = choice(table, "plan_gate", prefix, as: EnvironmentSection.PlanGate.self) { environment.planGate = value }
        environment.healthCheck = string(table, "health_check", prefix)
        environment.healthQuery = string(table, "health_query", prefix)
        if let value = duration(table, "health_timeout", prefix, allowZero: false) { environment.healthTimeout = value }
        if let value = stringArray(table, "allowed_roles", prefix) { environment.allowedRoles = value }
        if let lock = self.table(table, "lock", prefix) {
            environment.lock = decodeLock(lock, at: Self.join(prefix, "lock"), over: base.lock)
        }
        if let backfill = self.table(table, "backfill", prefix) {
            environment.backfill = decodeBackfill(backfill, at: Self.join(prefix, "backfill"), over: base.backfill)
        }
        if let backup = self.table(table, "backup", prefix) {
            let path = Self.join(prefix, "backup")
            environment.backup = decodeBackup(backup, at: path, over: base.backup, position: positions[path])
        }
        if environment.backupRequired, environment.backup.mode == .none {
            report(.invalidValue, "environment '\(name)' requires a backup (backup_required = true) but its backup mode is \"none\"",
                   at: table.entry("backup_required")?.value.position ?? position, keyPath: Self.join(prefix, "backup_required"))
        }
        return environment
    }
}
