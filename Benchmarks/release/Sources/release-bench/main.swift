// release-bench: drives the Releases library the way `slipway release` does, for timing.
//
// Usage: release-bench (cut-dry-run | changelog | next | notes) REPO [--quiet]
import Foundation
import Releases

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: release-bench (cut-dry-run|changelog|next|notes) REPO [--quiet]\n".utf8))
    exit(64)
}
let quiet = arguments.contains("--quiet")
let configuration = ReleaseConfiguration()
// The benchmark repository has no migrations directory; keep the defaults otherwise.
let manager = ReleaseManager(directory: arguments[2], configuration: configuration)
do {
    let text: String
    switch arguments[1] {
    case "cut-dry-run": text = try await manager.cut(ReleaseOptions(dryRun: true)).renderText()
    case "changelog": text = try await manager.changelog(write: false).renderText()
    case "next": text = try await manager.next().renderText()
    case "notes": text = try await manager.notes().renderText()
    default:
        FileHandle.standardError.write(Data("unknown command \(arguments[1])\n".utf8))
        exit(64)
    }
    if !quiet { FileHandle.standardOutput.write(Data(text.utf8)) }
} catch let error as ReleaseError {
    FileHandle.standardError.write(Data((error.detailedDescription + "\n").utf8))
    exit(error.code.suggestedExitCode)
}
