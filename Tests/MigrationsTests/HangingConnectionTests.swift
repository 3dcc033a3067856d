import Foundation
import LocalPostgres
import Migrations
import PostgresClient
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension EngineIntegrationTests {
/// A connection that stops answering mid-backfill — the TCP connection stays up (a proxy keeps
/// acknowledging at the TCP level), so keepalives cannot notice — must not hang the runner forever.
@Suite("a hanging connection during the backfill")
struct HangingConnectionTests {
    @Test func aFrozenConnectionFailsTheRunWithAClearErrorAndResumeFinishes() async throws {
        let fixture = try await EngineFixture.make("hang")
        guard let cluster = await ScratchDatabases.shared.localCluster else {
            print("skipped: needs the local throwaway cluster (POSTGRES_URL is set)")
            return
        }
        let app = try await fixture.app()
        let rows = 20000
        try await createOrders(app, rows: rows)
        try fixture.write("0001_fulfillment.yaml", fulfillmentMigration)
        let proxy = try FreezableProxy(unixSocket: "\(cluster.socketDirectory)/.s.PGSQL.\(cluster.port)")
        defer { proxy.close() }

        var runner = fixture.runner(batchSize: 100)
        runner.connection = fixture.db.app.with("host", "127.0.0.1").with("port", String(proxy.port))
        runner.batchPauseMs = 20
        runner.backfill.replyTimeoutMs = 2000
        let running = Task { try await runner.start() }
        var progressed = false
        for _ in 0..<600 {
            if try await app.query("SELECT to_regclass('slipway.backfills') IS NOT NULL AS e")[0].decode("e", as: Bool.self),
                try await app.query("SELECT coalesce(max(rows_done), 0)::int8 AS n FROM slipway.backfills")[0].decode("n", as: Int.self) > 0
            {
                progressed = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(progressed, "the backfill never started through the proxy")
        proxy.freeze()
        let frozenAt = ContinuousClock.now
        let outcome = await withTaskGroup(of: Result<StateStore.VersionRecord, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await running.value) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let elapsed = ContinuousClock.now - frozenAt
        guard let result = outcome else {
            Issue.record("the runner still hangs 60 s after the connection froze")
            return
        }
        guard case .failure(let error) = result else {
            Issue.record("start succeeded through a frozen connection")
            return
        }
        #expect(elapsed < .seconds(30), "took \(elapsed)")
        let error2 = error as? MigrationError
        #expect(error2?.kind == .execution, "\(error)")
        #expect("\(error)".contains("no reply from the server for 2.0 seconds (the connection hangs)"), "\(error)")

        // The proxy goes away (the server's side of the frozen session closes and its lock with it).
        proxy.close()
        let status = try await fixture.runner().status()
        #expect(status.current?.phase == "starting")
        let done = status.backfills.first?.rowsDone ?? 0
        #expect(done > 0 && done < rows, "rows done: \(done)")
        let resumed = try await fixture.runner(wait: true).resume()
        #expect(resumed.phase == "active")
        #expect(try await fixture.scalar(
            """
            SELECT count(*)::int8 FROM orders WHERE _slipway_needs_backfill
               OR _slipway_new_fulfillment_status IS DISTINCT FROM CASE WHEN status = 'delivered' THEN 'completed' ELSE 'pending' END
            """, as: Int64.self) == 0)
        await app.close()
    }
}
}

/// A TCP proxy (127.0.0.1, an ephemeral port) to a PostgreSQL unix socket, on plain threads. ``freeze()``
/// stops it forwarding anything in either direction while keeping every connection open: the client's
/// kernel still gets TCP acknowledgements and keepalive answers, the client just never hears back.
final class FreezableProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let target: String
    private let lock = NSLock()
    private var frozen = false
    private var closed = false
    private var descriptors: [Int32] = []

    init(unixSocket: String) throws {
        target = unixSocket
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard listener >= 0, bound == 0, listen(listener, 16) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func freeze() { lock.withLock { frozen = true } }

    /// Closes the listener and every connection (both ends).
    func close() {
        let open: [Int32] = lock.withLock {
            if closed { return [] }
            closed = true
            return descriptors + [listener]
        }
        for descriptor in open {
            shutdown(descriptor, Int32(SHUT_RDWR))
            Glibc.close(descriptor)
        }
    }

    private var isFrozen: Bool { lock.withLock { frozen } }
    private var isClosed: Bool { lock.withLock { closed } }

    private func acceptLoop() {
        while !isClosed {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let server = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in target.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
            }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            let keep = lock.withLock { () -> Bool in
                if closed { return false }
                descriptors += [client, server]
                return true
            }
            guard keep, connected == 0 else {
                Glibc.close(client)
                Glibc.close(server)
                continue
            }
            Thread.detachNewThread { [self] in pump(from: client, to: server) }
            Thread.detachNewThread { [self] in pump(from: server, to: client) }
        }
    }

    private func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !isClosed {
            if isFrozen {
                usleep(50_000)
                continue
            }
            var descriptor = pollfd(fd: source, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            if isFrozen { continue }
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                if written <= 0 { return }
                offset += written
            }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
    }
}
