package dev.smtpprobe.catalog;

import dev.smtpprobe.model.ProbeStatus;
import dev.smtpprobe.model.SmtpPhase;
import dev.smtpprobe.model.SmtpReply;

/**
 * Classifies replies: text patterns first, then the enhanced status code, then the basic code.
 * Thread-safe and immutable once loaded; load it once and share it.
 */
public interface ReplyClassifier {

    /** The default classifier, loaded from the catalog resources on the class path. */
    static ReplyClassifier standard() {
        return CatalogHolder.CLASSIFIER;
    }

    /** Classifies a decoded reply. */
    Classification classify(SmtpReply reply);

    /**
     * Classifies a reply in the light of the command it answered: words about "the address" in answer to MAIL FROM
     * speak of the sender's address, not a recipient's. The default ignores the phase.
     */
    default Classification classify(SmtpReply reply, SmtpPhase phase) {
        return classify(reply);
    }

    /**
     * Classifies free text such as a log fragment: "550 5.1.1 <bob@example.com>: User unknown",
     * "said: 550-5.7.26 ..." or several lines of one multi-line reply.
     * Throws IllegalArgumentException when no reply code can be found in the text.
     */
    Classification classify(String replyText);

    /**
     * The entry for a status the prober observed itself (no server reply to classify), at the phase it happened:
     * a timeout at the greeting reads differently from one mid-conversation.
     */
    Classification classify(ProbeStatus status, SmtpPhase phase);

    /** The catalog behind this classifier. */
    ReplyCatalog catalog();
}
