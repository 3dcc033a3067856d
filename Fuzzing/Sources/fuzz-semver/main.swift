import FuzzDriver
import Releases

/// Any text as a version: parsing must not crash; a parsed version must print back to text that parses to an
/// equal version, and bumping and comparing must not trap.
runFuzzer { data, size in
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    guard let version = SemanticVersion(text) else { return 0 }
    precondition(SemanticVersion(version.description) == version, "\(text) → \(version) does not round-trip")
    for level in [BumpLevel.major, .minor, .patch] { _ = version.bumped(level) }
    _ = version < SemanticVersion(1, 0, 0)
    return 0
}
