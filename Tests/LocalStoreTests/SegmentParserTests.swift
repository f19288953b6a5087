import Foundation
import Testing

@testable import LocalStore

@Test func theEventLineParserIsStrictAndReadsEveryJSONEscape() throws {
    let good =
        #"{"node":"K1","epoch":"e","seq":1,"hlc":5,"hlcl":0,"wall":5,"causal":0,"type":"note.added","v":1,"agg":"part:A","#
        + #""actor":"9","prev":"","payload":"a\u00e9\ud83d\ude00\n\/","sum":"x"}"#
    func parse(_ line: String) throws -> Segment.WireEvent {
        let bytes = Array(line.utf8)
        return try bytes.withUnsafeBufferPointer { try Segment.WireEvent.parse($0[...]) }
    }
    #expect(try parse(good).payload == "aé😀\n/")
    // Key order does not matter; whitespace is allowed.
    #expect(
        try parse(
            #"{ "sum":"x" , "payload":"p","prev":"","actor":"9","agg":"a","v":1,"type":"t","causal":0,"#
                + #""wall":5,"hlcl":0,"hlc":5,"seq":2,"epoch":"e","node":"K1" }"#
        ).seq == 2)
    let bad = [
        good.replacingOccurrences(of: #""seq":1"#, with: #""seq":1.5"#),  // a float
        good.replacingOccurrences(of: #""seq":1"#, with: #""seq":{"a":1}"#),  // nesting
        good.replacingOccurrences(of: #""seq":1,"#, with: ""),  // missing
        good.replacingOccurrences(of: #""seq":1"#, with: #""seq":1,"seq":2"#),  // twice
        good.replacingOccurrences(of: #""seq":1"#, with: #""seq":"1""#),  // wrong type
        good + "x",  // trailing bytes
        good.replacingOccurrences(of: #"\u00e9"#, with: #"\q"#),  // bad escape
        good.replacingOccurrences(of: #"\ude00"#, with: "x"),  // lone surrogate
        good.replacingOccurrences(of: #""seq":1"#, with: #""seq":99999999999999999999"#),
        String(good.dropLast()),  // cut
    ]
    for line in bad { #expect(throws: Segment.LineError.self, "\(line)") { _ = try parse(line) } }
}
