/// A pipeline that ends at `image.decode` (a decode-only run, used to time decoding alone)
/// writes each image's decoded size instead of failing every item for want of a record.
extension StagedImage: RecordConvertible {
    public var recordFields: JSONObject {
        ["width": .number(Double(width)), "height": .number(Double(height))]
    }
}
