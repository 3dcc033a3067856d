import FuzzDriver
import Releases

/// Any text as a commit message: parsing must not crash, and a parsed commit's type must be non-empty.
runFuzzer { data, size in
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    if let commit = CommitMessageParser.parse(text) { precondition(!commit.type.isEmpty) }
    _ = CommitMessageParser.parseHeader(Substring(text))
    _ = CommitMessageParser.isAutosquash(Substring(text))
    return 0
}
