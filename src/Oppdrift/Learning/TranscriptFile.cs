using System.Text;
using Oppdrift.Shared;

namespace Oppdrift.Learning;

/// <summary>Accepts an uploaded WebVTT transcript: UTF-8, within the size limit, starting with the WEBVTT signature.</summary>
public static class TranscriptFile
{
    public static async Task<Result<string>> ReadAsync(Stream content, string fileName, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return Result<string>.Fail("Transcript", LearningText.Get("TranscriptTooLarge", Path.GetFileName(fileName), maxBytes / (1024 * 1024)));
            }
            buffer.Write(chunk, 0, read);
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Result<string>.Fail("Transcript", LearningText.Get("TranscriptNotUtf8", Path.GetFileName(fileName)));
        }
        if (!text.StartsWith("WEBVTT", StringComparison.Ordinal))
        {
            return Result<string>.Fail("Transcript", LearningText.Get("TranscriptNotVtt", Path.GetFileName(fileName)));
        }
        return Result<string>.Ok(text);
    }
}
