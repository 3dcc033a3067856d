#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PostgresClient

/// A throwaway PostgreSQL cluster on a private unix-socket directory.
///
/// `initdb` into a fresh temporary directory, then `postgres -k <dir> -c listen_addresses=''`: no TCP port,
/// nothing shared with other clusters. As root it runs as the `postgres` system user (PostgreSQL refuses
/// root). It is Slipway's embedded default (`slipway demo`), the rehearsal server of `plan --rehearse`,
/// the restore-drill target of backups and the fixture of every integration test.
///
/// **No server outlives its owner.** The server is started by a small shell watchdog whose standard input
/// is a pipe that only this process writes to. When this process ends — normally, by a failing test,
/// `fatalError` or `kill -9` — the pipe reaches end-of-file and the watchdog stops the server (SIGINT, a
/// fast shutdown) and deletes the directory. ``stop()`` does the same at once.
public final class LocalPostgres: Sendable {
    /// The temporary directory holding the data directory, the socket and the log.
    public let baseDirectory: String
    /// The unix-socket directory (libpq's `host`).
    public let socketDirectory: String
    /// The port, which only names the socket file.
    public let port: Int
    /// The superuser role.
    public let superuser: String
    /// The server programs used.
    public let binaries: PostgresBinaries
    /// The server's version number (`150018`).
    public let serverVersion: Int

    private let watchdogPID: pid_t
    private let controlDescriptor: Int32
    private let stopped = StopState()
    /// The server command line (with the `setpriv` prefix as root), for ``restart(_:)``.
    private let serverCommand: [String]
    /// The `setpriv` prefix (empty when not root), for `pg_ctl`.
    private let commandPrefix: [String]
    /// Servers started by ``restart(_:)`` (children of this process), reaped by ``stop()``.
    private let restarted = RestartedServers()

    /// Options for ``start(_:)``.
    public struct Options: Sendable {
        /// Extra `-c name=value` server settings.
        public var settings: [String: String] = [:]
        /// Where to create the temporary directory (short paths: a socket path must fit in 107 bytes).
        public var parentDirectory: String = "/tmp"
        /// Whether durability is switched off (`fsync`, `synchronous_commit`, `full_page_writes`); fine for
        /// throwaway data, several times faster.
        public var fastUnsafe: Bool = true
        public init() {}
    }

    private init(
        baseDirectory: String, port: Int, superuser: String, binaries: PostgresBinaries, serverVersion: Int,
        watchdogPID: pid_t, controlDescriptor: Int32, serverCommand: [String], commandPrefix: [String]
    ) {
        self.baseDirectory = baseDirectory
        self.socketDirectory = baseDirectory
        self.port = port
        self.superuser = superuser
        self.binaries = binaries
        self.serverVersion = serverVersion
        self.watchdogPID = watchdogPID
        self.controlDescriptor = controlDescriptor
        self.serverCommand = serverCommand
        self.commandPrefix = commandPrefix
    }

    /// The data directory.
    public var dataDirectory: String { baseDirectory + "/data" }

    /// The superuser's connection to `database` over the private socket. Connecting may wait up to 60 s: a
    /// throwaway cluster shares the machine with whatever else runs (tests start many sessions at once on a
    /// loaded 2-core machine), and a slow local backend start is not a reason to fail.
    public func connection(database: String = "postgres", user: String? = nil) -> ConnectionConfiguration {
        ConnectionConfiguration(
            "host=\(socketDirectory) port=\(port) dbname=\(database) user=\(user ?? superuser)",
            overrides: ["connect_timeout": "60"])
    }

    /// Initialises and starts a new cluster.
    ///
    /// - Throws: ``LocalPostgresError``: `.binariesMissing` (says what to install), `.noServiceUser`,
    ///   `.initdbFailed` or `.startFailed` (with the server log).
    public static func start(_ options: Options = Options()) async throws -> LocalPostgres {
        let binaries = try PostgresBinaries.locate()
        let runAs = try ServiceUser.current()

        var template = Array((options.parentDirectory + "/slipway-pg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LocalPostgresError(
                code: .startFailed,
                message: "could not create a temporary directory in \(options.parentDirectory): \(String(cString: strerror(errno)))")
        }
        let base = String(cString: made)
        let data = base + "/data"
        let fileManager = FileManager.default
        do {
            if let user = runAs {
                guard chown(base, user.uid, user.gid) == 0 else {
                    throw LocalPostgresError(
                        code: .startFailed, message: "could not give \(base) to the postgres user: \(String(cString: strerror(errno)))")
                }
            }
            let prefix = runAs?.commandPrefix ?? []
            let initdb = try await ChildProcess.run(
                prefix + [
                    binaries.path("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C", "--no-sync",
                ], logPath: base + "/initdb.log")
            guard initdb.status == 0 else {
                throw LocalPostgresError(
                    code: .initdbFailed, message: "initdb failed (exit \(initdb.status)); see its output with --verbose",
                    log: initdb.output)
            }
            let version = try? String(contentsOfFile: data + "/PG_VERSION", encoding: .utf8)
            let major = Int((version ?? "").trimmingCharacters(in: .whitespacesAndNewlines))

            var settings: [String: String] = [
                "listen_addresses": "", "max_connections": "300", "unix_socket_permissions": "0777",
                "log_min_messages": "warning", "log_line_prefix": "%m [%p] ",
            ]
            if options.fastUnsafe {
                settings["fsync"] = "off"
                settings["synchronous_commit"] = "off"
                settings["full_page_writes"] = "off"
            }
            // Keep recent WAL so a base backup or replica started during busy tests finds the segments it
            // streams (without it, checkpoints recycle them: "requested WAL segment … has already been removed").
            if let major, major >= 13 { settings["wal_keep_size"] = "512MB" }
            for (key, value) in options.settings { settings[key] = value }
            var server = prefix + [binaries.path("postgres"), "-D", data, "-k", base, "-p", "5432"]
            for key in settings.keys.sorted() { server += ["-c", "\(key)=\(settings[key] ?? "")"] }

            // The watchdog: runs the server, blocks on stdin, stops the server and removes the directory at EOF.
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else {
                throw LocalPostgresError(code: .startFailed, message: "pipe() failed: \(String(cString: strerror(errno)))")
            }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            let watchdog: pid_t
            do {
                watchdog = try ChildProcess.spawn(
                    ["/bin/sh", "-c", watchdogScript, "slipway-pg-watchdog", data, base] + server, stdin: fds[0])
            } catch {
                close(fds[0])
                close(fds[1])
                throw LocalPostgresError(code: .startFailed, message: "could not start the server: \(error)")
            }
            close(fds[0])

            let cluster = LocalPostgres(
                baseDirectory: base, port: 5432, superuser: "postgres", binaries: binaries,
                serverVersion: (major ?? 0) * 10000, watchdogPID: watchdog, controlDescriptor: fds[1],
                serverCommand: server, commandPrefix: prefix)
            LiveClusters.shared.add(cluster)

            // Wait until it accepts connections.
            let deadline = ContinuousClock.now + .seconds(60)
            var delay = Duration.milliseconds(5)
            while true {
                if PostgresConnection.ping(cluster.connection()) == .accepting { break }
                let logText = (try? String(contentsOfFile: base + "/postgres.log", encoding: .utf8)) ?? ""
                // Pings during start-up log "FATAL: the database system is starting up"; any other FATAL
                // or PANIC means the server failed.
                let failed = logText.split(separator: "\n").contains {
                    ($0.contains("FATAL") && !$0.contains("starting up")) || $0.contains("PANIC")
                }
                if ContinuousClock.now > deadline || !fileManager.fileExists(atPath: base) || failed {
                    await cluster.stop()
                    throw LocalPostgresError(
                        code: .startFailed, message: "the local PostgreSQL server did not start; see its log with --verbose",
                        log: logText)
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .milliseconds(100))
            }
            return cluster
        } catch {
            if fileManager.fileExists(atPath: base + "/data/postmaster.pid") == false {
                try? fileManager.removeItem(atPath: base)
            }
            throw error
        }
    }

    /// Stops the server (fast shutdown) and removes its directory; waits until both are done. Idempotent.
    public func stop() async {
        guard stopped.markStopped() else { return }
        close(controlDescriptor)
        _ = await ChildProcess.waitForExit(watchdogPID, timeout: .seconds(30))
        for pid in restarted.all { _ = await ChildProcess.waitForExit(pid, timeout: .seconds(5)) }
        LiveClusters.shared.remove(self)
    }

    /// Synchronous stop for process-exit handlers.
    func stopBlocking() {
        guard stopped.markStopped() else { return }
        close(controlDescriptor)
        _ = ChildProcess.waitForExitBlocking(watchdogPID, timeout: .seconds(10))
    }

    /// How ``restart(_:)`` stops the server (`pg_ctl stop -m …`).
    public enum ShutdownMode: String, Sendable {
        /// Sessions are terminated, a checkpoint is written: a clean restart.
        case fast
        /// Every server process quits at once, no checkpoint: to the data, a crash; the next start runs
        /// crash recovery from the WAL.
        case immediate
    }

    /// Stops the server with `pg_ctl stop -m <mode>` and starts it again on the same data directory, socket
    /// and settings (as the `postgres` system user when running as root); returns once it accepts
    /// connections again. Every session is cut, with SQLSTATE 57P01 (`fast`) or a lost connection
    /// (`immediate`). The watchdog still stops the restarted server when this process ends.
    ///
    /// For tests of what clients do across a server restart: use a cluster of the test's own, not the
    /// shared one of ``ScratchDatabases``.
    ///
    /// - Throws: ``LocalPostgresError`` `.startFailed` (with the server log) when it does not come back
    ///   within `timeout`, or `pg_ctl stop` fails.
    public func restart(_ mode: ShutdownMode = .fast, timeout: Duration = .seconds(60)) async throws {
        guard !stopped.isStopped else {
            throw LocalPostgresError(code: .startFailed, message: "the local PostgreSQL server was stopped; it cannot be restarted")
        }
        let stop = try await ChildProcess.run(
            commandPrefix + [binaries.path("pg_ctl"), "stop", "-D", dataDirectory, "-m", mode.rawValue, "-w", "-t", "60"],
            logPath: baseDirectory + "/pg_ctl.log")
        guard stop.status == 0 else {
            throw LocalPostgresError(
                code: .startFailed, message: "pg_ctl stop -m \(mode.rawValue) failed (exit \(stop.status))", log: stop.output)
        }
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(serverCommand, outputPath: baseDirectory + "/postgres.log")
        } catch {
            throw LocalPostgresError(code: .startFailed, message: "could not start the server again: \(error)")
        }
        restarted.add(pid)
        let deadline = ContinuousClock.now + timeout
        var delay = Duration.milliseconds(5)
        // Crash recovery after an immediate stop answers pings with "starting up" until it is done.
        while PostgresConnection.ping(connection()) != .accepting {
            if ChildProcess.hasExited(pid) || ContinuousClock.now > deadline {
                throw LocalPostgresError(
                    code: .startFailed, message: "the local PostgreSQL server did not come back after a restart; see its log with --verbose",
                    log: log)
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(100))
        }
    }

    /// The server's log so far.
    public var log: String {
        (try? String(contentsOfFile: baseDirectory + "/postgres.log", encoding: .utf8)) ?? ""
    }

    /// $1 = data directory, $2 = base directory, $3… = the server command line.
    private static let watchdogScript = #"""
        data="$1"; base="$2"; shift 2
        "$@" </dev/null >>"$base/postgres.log" 2>&1 &
        pid=$!
        cat >/dev/null
        # The server running now: this one, or one started by restart().
        current=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
        [ -n "$current" ] && [ "$current" != "$pid" ] && kill -INT "$current" 2>/dev/null
        kill -INT "$pid" 2>/dev/null
        n=0
        while [ -f "$data/postmaster.pid" ] && [ $n -lt 150 ]; do sleep 0.1; n=$((n+1)); done
        if [ -f "$data/postmaster.pid" ]; then
          [ -n "$current" ] && [ "$current" != "$pid" ] && kill -QUIT "$current" 2>/dev/null
          kill -QUIT "$pid" 2>/dev/null; sleep 1
        fi
        rm -rf "$base"
        """#
}

/// The server processes ``LocalPostgres/restart(_:)`` started.
final class RestartedServers: @unchecked Sendable {
    private let lock = NSLock()
    private var pids: [pid_t] = []
    func add(_ pid: pid_t) { lock.withLock { pids.append(pid) } }
    var all: [pid_t] { lock.withLock { pids } }
}

/// Tracks whether a cluster was stopped.
final class StopState: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    var isStopped: Bool { lock.withLock { stopped } }
    /// Returns true the first time only.
    func markStopped() -> Bool {
        lock.withLock {
            if stopped { return false }
            stopped = true
            return true
        }
    }
}

/// Clusters that are running, stopped at process exit (the watchdog covers crashes).
final class LiveClusters: @unchecked Sendable {
    static let shared = LiveClusters()
    private let lock = NSLock()
    private var clusters: [ObjectIdentifier: LocalPostgres] = [:]
    private var registered = false

    func add(_ cluster: LocalPostgres) {
        lock.withLock {
            clusters[ObjectIdentifier(cluster)] = cluster
            if !registered {
                registered = true
                atexit { LiveClusters.shared.stopAll() }
            }
        }
    }

    func remove(_ cluster: LocalPostgres) {
        _ = lock.withLock { clusters.removeValue(forKey: ObjectIdentifier(cluster)) }
    }

    func stopAll() {
        let all = lock.withLock { Array(clusters.values) }
        for cluster in all { cluster.stopBlocking() }
    }
}

/// The system user the server runs as when this process is root.
struct ServiceUser {
    var uid: uid_t
    var gid: gid_t
    var name: String

    /// The `setpriv` prefix that runs a command as this user (it replaces itself with the command).
    var commandPrefix: [String] {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
        return [setpriv ?? "setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"]
    }

    /// `nil` when not root (the server runs as the current user).
    static func current() throws -> ServiceUser? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else {
            throw LocalPostgresError(
                code: .noServiceUser,
                message: "running as root, but there is no `postgres` system user to run the server as "
                    + "(PostgreSQL refuses to run as root). `apt-get install -y postgresql` creates it.")
        }
        return ServiceUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid, name: "postgres")
    }
}
