import Foundation

/// A serial executor that runs every job on one dedicated operating-system thread.
///
/// libpq calls block the calling thread. Slipway never makes them on Swift's cooperative thread pool
/// (it has one thread per core, so a connection waiting on a lock would starve every other task).
/// Instead each ``PostgresConnection`` is an actor whose executor is one of these: every isolated method
/// of the connection, and therefore every libpq call, runs on the connection's own thread. A blocked
/// connection blocks only that thread.
///
/// The thread ends after ``shutdown()``, once the jobs already enqueued have run.
public final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    // All mutable state is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopping = false
    private var finished = false

    /// Starts the thread.
    /// - Parameter name: the thread's name (visible in debuggers and `top -H`).
    public init(name: String) {
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Asks the thread to finish: jobs already enqueued still run, then the thread exits.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Whether the thread has exited (after ``shutdown()``).
    public var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }

    private func runLoop() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping {
                condition.wait()
            }
            if head == jobs.count && stopping {
                finished = true
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
