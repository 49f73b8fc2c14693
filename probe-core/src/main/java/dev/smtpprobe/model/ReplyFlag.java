package dev.smtpprobe.model;

/** Protocol irregularities seen while decoding one reply; each becomes a finding, none aborts by itself. */
public enum ReplyFlag {
    /** A line ended in LF without CR (RFC 5321 section 2.3.8 allows only CRLF). */
    BARE_LF,
    /** The lines of one multi-line reply carried different codes (section 4.2.1 requires one code). */
    MIXED_CODES,
    /** A line was longer than the 512 octets of section 4.5.3.1.5, but within our hard cap. */
    OVERLONG_LINE,
    /** Bytes outside US-ASCII in the text (legal only with SMTPUTF8). */
    NON_ASCII,
    /** A code followed by something other than space, hyphen or end of line. */
    BAD_SEPARATOR,
    /** A code outside the 2yz-5yz grammar of section 4.2 (for example 1yz or 6yz). */
    CODE_OUT_OF_RANGE
}
