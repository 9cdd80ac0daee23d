using Microsoft.EntityFrameworkCore;

namespace Oppdrift.Learning.Knowledge;

/// <summary>An entry of the knowledge bank as stored: the fields a hit shows and filters on.</summary>
public sealed class KnowledgeItem
{
    public int Id { get; set; }
    public required string SourceKey { get; set; }
    public KnowledgeKind Kind { get; set; }
    public required string Title { get; set; }
    public required string Url { get; set; }
    public int? ProgrammeId { get; set; }
    public string? ProgrammeName { get; set; }
    public DateOnly? Date { get; set; }

    /// <summary>How many terms the entry has (title counted with its weight): BM25's document length.</summary>
    public int Length { get; set; }
}

/// <summary>A passage of an entry's text, numbered in the order given.</summary>
public sealed class KnowledgeItemPassage
{
    public int Id { get; set; }
    public int ItemId { get; set; }
    public int Ordinal { get; set; }
    public required string Text { get; set; }
    public string? Anchor { get; set; }
}

public enum KnowledgeTagKind
{
    Topic = 1,
    Tool = 2,
}

/// <summary>A topic or tool of an entry; Key is the lower-cased value filters compare.</summary>
public sealed class KnowledgeItemTag
{
    public int ItemId { get; set; }
    public KnowledgeTagKind Kind { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
}

/// <summary>The inverted index at entry level: how often a term occurs in an entry, for ranking.</summary>
public sealed class KnowledgePosting
{
    public required string Term { get; set; }
    public int ItemId { get; set; }
    public int Frequency { get; set; }

    /// <summary>The entry's length, kept here too so ranking reads one index and joins nothing when no filter is set.</summary>
    public int Length { get; set; }
}

/// <summary>The inverted index at passage level: which passages of an entry hold a term, for snippets and anchors.</summary>
public sealed class KnowledgePassagePosting
{
    public int ItemId { get; set; }
    public required string Term { get; set; }
    public int PassageId { get; set; }
    public int Frequency { get; set; }
}

public static class KnowledgeModel
{
    public static void Map(ModelBuilder model)
    {
        model.Entity<KnowledgeItem>(e =>
        {
            e.ToTable("KnowledgeItems");
            e.Property(x => x.SourceKey).HasMaxLength(100);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Title).HasMaxLength(400);
            e.Property(x => x.Url).HasMaxLength(400);
            e.Property(x => x.ProgrammeName).HasMaxLength(400);
            e.HasIndex(x => x.SourceKey).IsUnique();
            e.HasIndex(x => x.ProgrammeId);
            e.HasIndex(x => x.Date);
        });
        model.Entity<KnowledgeItemPassage>(e =>
        {
            e.ToTable("KnowledgeItemPassages");
            e.Property(x => x.Anchor).HasMaxLength(100);
            e.HasOne<KnowledgeItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.ItemId, x.Ordinal }).IsUnique();
        });
        model.Entity<KnowledgeItemTag>(e =>
        {
            e.ToTable("KnowledgeItemTags");
            e.HasKey(x => new { x.ItemId, x.Kind, x.Key });
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Key).HasMaxLength(100);
            e.Property(x => x.Value).HasMaxLength(100);
            e.HasOne<KnowledgeItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.Kind, x.Key, x.ItemId });
        });
        model.Entity<KnowledgePosting>(e =>
        {
            e.ToTable("KnowledgePostings");
            e.HasKey(x => new { x.Term, x.ItemId });
            e.Property(x => x.Term).HasMaxLength(KnowledgeTerms.MaxTermLength);
            e.HasOne<KnowledgeItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.ItemId);
        });
        model.Entity<KnowledgePassagePosting>(e =>
        {
            e.ToTable("KnowledgePassagePostings");
            e.HasKey(x => new { x.ItemId, x.Term, x.PassageId });
            e.Property(x => x.Term).HasMaxLength(KnowledgeTerms.MaxTermLength);
            e.HasOne<KnowledgeItem>().WithMany().HasForeignKey(x => x.ItemId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
