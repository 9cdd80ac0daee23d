// The starter library: questions on digital working life a central team can pick from and adapt. Deliberately not
// KS 10-FAKTOR (the municipal sector's employee survey, which takes no added questions): these ask about working with
// Microsoft 365, not about the workplace as a whole.
namespace Oppdrift.Surveys;

public sealed record LibraryTheme(string Key, string NameNb, string NameEn);

public sealed record LibraryQuestion(string Key, string? ThemeKey, QuestionKind Kind, string TextNb, string TextEn,
    string? OptionsNb = null, string? OptionsEn = null, int ScaleMax = 5);

public static class SurveyLibrary
{
    /// <summary>The Likert labels, 1 to 5.</summary>
    public static IReadOnlyList<string> LikertLabelsNb { get; } = ["Helt uenig", "Uenig", "Verken enig eller uenig", "Enig", "Helt enig"];

    public static IReadOnlyList<string> LikertLabelsEn { get; } = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];

    public static IReadOnlyList<LibraryTheme> Themes { get; } =
    [
        new("information", "Finne informasjon", "Finding information"),
        new("meetings", "Møter i Teams", "Teams meetings"),
        new("sharing", "Dele i stedet for å sende vedlegg", "Sharing instead of attachments"),
        new("leadership", "Ledelse i hybride team", "Hybrid leadership"),
        new("confidence", "Trygghet i verktøyene", "Confidence with the tools"),
        new("time", "Tid spart", "Time saved"),
    ];

    public static IReadOnlyList<LibraryQuestion> Questions { get; } =
    [
        new("info-find", "information", QuestionKind.Likert, "Jeg finner raskt informasjonen jeg trenger for å gjøre jobben min.", "I quickly find the information I need to do my job."),
        new("info-latest", "information", QuestionKind.Likert, "Jeg er trygg på at jeg jobber i siste versjon av et dokument.", "I am confident I am working on the latest version of a document."),
        new("info-intranet", "information", QuestionKind.Likert, "Det er tydelig hvor vi skal lagre felles dokumenter.", "It is clear where we should store shared documents."),
        new("meet-effective", "meetings", QuestionKind.Likert, "Møtene mine i Teams er effektive.", "My Teams meetings are effective."),
        new("meet-hybrid", "meetings", QuestionKind.Likert, "De som deltar digitalt, kommer like godt til orde som de som sitter i rommet.", "Those who join online are heard as well as those in the room."),
        new("meet-notes", "meetings", QuestionKind.Likert, "Referat og oppgaver fra møter er lette å finne etterpå.", "Notes and tasks from meetings are easy to find afterwards."),
        new("share-links", "sharing", QuestionKind.Likert, "Jeg deler lenker til dokumenter i stedet for å sende vedlegg.", "I share links to documents instead of sending attachments."),
        new("share-coauthor", "sharing", QuestionKind.Likert, "Vi skriver sammen i samme dokument i stedet for å sende versjoner fram og tilbake.", "We write together in one document instead of sending versions back and forth."),
        new("share-channels", "sharing", QuestionKind.Likert, "Teamet mitt bruker kanaler i Teams i stedet for lange e-posttråder.", "My team uses Teams channels instead of long e-mail threads."),
        new("lead-clear", "leadership", QuestionKind.Likert, "Lederen min gjør det tydelig hvilke kanaler vi bruker til hva.", "My manager makes clear which channels we use for what."),
        new("lead-included", "leadership", QuestionKind.Likert, "Jeg føler meg inkludert også når jeg jobber hjemmefra.", "I feel included when I work from home too."),
        new("lead-example", "leadership", QuestionKind.Likert, "Lederen min går foran i å ta i bruk de nye måtene å jobbe på.", "My manager leads the way in adopting the new ways of working."),
        new("conf-tools", "confidence", QuestionKind.Likert, "Jeg er trygg på å bruke Microsoft 365 i jobben min.", "I am confident using Microsoft 365 in my work."),
        new("conf-help", "confidence", QuestionKind.Likert, "Jeg vet hvor jeg får hjelp når jeg står fast.", "I know where to get help when I am stuck."),
        new("conf-training", "confidence", QuestionKind.Likert, "Opplæringen jeg har fått, har vært nyttig.", "The training I have had has been useful."),
        new("time-saved", "time", QuestionKind.Likert, "De digitale verktøyene sparer meg for tid i hverdagen.", "The digital tools save me time in my working day."),
        new("time-hours", "time", QuestionKind.SingleChoice, "Hvor mye tid sparer du i en vanlig uke?", "How much time do you save in a normal week?",
            "Ingen\nUnder 30 minutter\n30–60 minutter\n1–2 timer\nMer enn 2 timer", "None\nUnder 30 minutes\n30–60 minutes\n1–2 hours\nMore than 2 hours"),
        new("rating-overall", null, QuestionKind.Rating, "Hvor fornøyd er du alt i alt med de digitale verktøyene på jobb?", "Overall, how satisfied are you with the digital tools at work?"),
        new("enps", null, QuestionKind.Enps, "Hvor sannsynlig er det at du vil anbefale kommunen som en digital arbeidsplass til en venn?", "How likely is it that you would recommend the municipality as a digital workplace to a friend?"),
        new("tools-used", null, QuestionKind.MultipleChoice, "Hvilke verktøy bruker du hver uke?", "Which tools do you use every week?",
            "Teams-chat\nTeams-møter\nOneDrive\nSharePoint\nOutlook\nPlanner", "Teams chat\nTeams meetings\nOneDrive\nSharePoint\nOutlook\nPlanner"),
        new("comment", null, QuestionKind.FreeText, "Hva ville gjort den digitale arbeidshverdagen din bedre?", "What would make your digital working day better?"),
    ];

    public static LibraryQuestion? Find(string key) => Questions.FirstOrDefault(q => q.Key == key);

    /// <summary>The pulse a new team starts with: one statement per theme, the rating, eNPS and a comment.</summary>
    public static IReadOnlyList<string> PulseKeys { get; } =
        ["info-find", "meet-effective", "share-links", "lead-included", "conf-tools", "time-saved", "rating-overall", "enps", "comment"];
}
