namespace Oppdrift.Learning;

/// <summary>The Learning module's settings (section "Learning"; see docs/operations.md).</summary>
public sealed class LearningOptions
{
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The address people reach Oppdrift on, for links in e-mails; empty leaves links out.</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>How long before a session its reminder goes out.</summary>
    public int ReminderHours { get; set; } = 24;

    /// <summary>How long after a session ends its follow-up goes out: time for the attendance to be fetched from Teams.</summary>
    public int FollowUpDelayHours { get; set; } = 2;

    /// <summary>
    /// How often the mail job queues reminders, follow-ups and expiry warnings and drains the outbox. Each pass takes the
    /// job's lease (one database write), so a cluster of many nodes or a busy database may want it longer.
    /// </summary>
    public int MailIntervalSeconds { get; set; } = 60;

    public long DocumentMaxBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>File endings accepted for documents; anything else is refused before it is stored.</summary>
    public string[] DocumentTypes { get; set; } = [".pdf", ".docx", ".pptx", ".xlsx", ".txt", ".md", ".png", ".jpg"];

    public long TranscriptMaxBytes { get; set; } = 5L * 1024 * 1024;

    /// <summary>The recordings' expiry policy (<c>Learning:Recordings</c>).</summary>
    public RecordingOptions Recordings { get; set; } = new();
}

public sealed class SmtpOptions
{
    /// <summary>The mail server; empty keeps e-mails in the outbox unsent (and says so in the log).</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary>"Auto" (STARTTLS when offered), "StartTls", "Tls" (implicit, port 465) or "None".</summary>
    public string Security { get; set; } = "Auto";

    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public string From { get; set; } = "oppdrift@localhost";
    public string FromName { get; set; } = "Oppdrift";
}
