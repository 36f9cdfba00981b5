// Helpers shared by the calls into the CPNG and CJPEG shims.

/// Runs `body` with a C buffer for an error message and returns its result with the message.
func withMessageBuffer<Status>(_ body: (UnsafeMutablePointer<CChar>?, Int) -> Status) -> (Status, String) {
    var message = [CChar](repeating: 0, count: 256)
    let status = message.withUnsafeMutableBufferPointer { buffer in body(buffer.baseAddress, buffer.count) }
    message[message.count - 1] = 0
    let text = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return (status, String(decoding: text, as: UTF8.self))
}

/// The bytes as the shims' `const uint8_t *`; nil for an empty buffer, which the shims report as
/// truncated data rather than read.
func baseAddress(_ bytes: UnsafeRawBufferPointer) -> UnsafePointer<UInt8>? {
    bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
}
