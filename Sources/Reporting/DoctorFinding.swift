/// One line of `deferred-memd doctor`: a check's verdict, its stable code (to alert on; the message may
/// change), what was found, and for anything not ok what to do about it.
package struct DoctorFinding: Sendable, Equatable {
    package var verdict: DoctorVerdict
    package var code: String
    package var message: String
    /// What to do; nil only for `ok`.
    package var remedy: String?

    package init(_ verdict: DoctorVerdict, _ code: String, _ message: String, remedy: String? = nil) {
        self.verdict = verdict
        self.code = code
        self.message = message
        self.remedy = remedy
    }
}
