// The outbox as other modules use it: they add a plain e-mail inside their own unit of work, and the Learning mail job
// sends it with the rest (see LearningMailJob). Learning owns the table; this is its one door for others.
using Oppdrift.Data;

namespace Oppdrift.Learning;

public static class MailOutbox
{
    /// <summary>Queues a plain-text e-mail; it is saved with the caller's next SaveChanges and sent by the mail job.</summary>
    public static void Queue(OppdriftDb db, string to, string subject, string body, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.OutgoingMail.Add(new OutgoingMail { To = to, Subject = subject, Body = body, CreatedAt = now });
    }
}
