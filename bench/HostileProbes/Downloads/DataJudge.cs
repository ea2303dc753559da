using System;
using System.IO;
using System.Linq;
using Gen.Data;
using HostileProbes.Harness;
using HostileProbes.Specs;

namespace HostileProbes.Downloads;

/// <summary>
/// Judges a data load that must fail: a <see cref="GenDataException"/> (what the loaders and <c>Idx.Read</c> document) is
/// clear when its message names every one of <paramref name="all"/> (the address or file) and, where given, one of
/// <paramref name="any"/> (the limit); the data folder must be left without a file (the loaders document "nothing is
/// saved then").
/// </summary>
internal static class DataJudge
{
    public static Verdict Judge(Action load, string[] all, string[]? any, string? folder)
    {
        try
        {
            load();
            return Verdict.Handled("loaded without complaint");
        }
        catch (GenDataException e)
        {
            var left = folder is null ? Array.Empty<string>() : Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
            bool named = all.All(n => e.Message.Contains(n, StringComparison.Ordinal))
                && (any is null || any.Any(n => e.Message.Contains(n, StringComparison.OrdinalIgnoreCase)));
            var detail = SpecJudge.Shorten(e.Message) + (left.Length == 0 ? "" : $" [left behind: {string.Join(", ", left.Select(Path.GetFileName))}]");
            return new Verdict(named && left.Length == 0 ? Outcome.Clear : Outcome.Unclear, (named ? "" : "(the address, file or limit is not named) ") + detail,
                nameof(GenDataException), Refusal: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return SpecJudge.Raw(e);
        }
    }
}
