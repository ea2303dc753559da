using System;
using System.Linq;
using System.Text.RegularExpressions;
using Gen.Dsl;
using HostileProbes.Harness;

namespace HostileProbes.Specs;

/// <summary>
/// Reads a hostile spec document and judges what came back: a valid spec (nothing to refuse), a
/// <see cref="GenCheckpointException"/> (the one exception <c>SpecJson.FromJson</c> documents) that is clear when it
/// carries a JSON path, its message names a JSON path or a spec node, and names the value (or field) the probe changed
/// (for a spec past a limit: the limit, as the documentation promises "the node, its value and the limit"), or anything
/// else (raw).
/// </summary>
internal static class SpecJudge
{
    // A JSON path ($, $.spec.steps[2]) or a spec node path (flow.steps[2].mask, vae.encoder, made.features, image_flow:).
    private static readonly Regex Place = new(@"\$(\.|\[|:|\s)|\b[a-z_]+(\.[a-z_]+|\[\d+\])+|^[a-z_]+:", RegexOptions.CultureInvariant);

    /// <summary>Reads the document (made before the act, so that making it is not measured).</summary>
    public static Func<Verdict> Arrange(SpecCase c)
    {
        var document = c.Document();
        return () => Judge(c, document);
    }

    private static Verdict Judge(SpecCase c, string document)
    {
        try
        {
            c.Read(document);
            return Verdict.Handled("accepted: still a valid spec");
        }
        catch (GenCheckpointException e)
        {
            bool located = e.JsonPath is not null && Place.IsMatch(e.Message);
            bool named = c.Names.Any(n => e.Message.Contains(n, StringComparison.OrdinalIgnoreCase))
                || (e.Error == CheckpointError.LimitExceeded && e.Message.Contains("SpecLimits.", StringComparison.Ordinal));
            var outcome = located && named ? Outcome.Clear : Outcome.Unclear;
            var why = outcome == Outcome.Clear ? "" : !located ? "(no JSON path or node in the message) " : "(the message does not name the value) ";
            return new Verdict(outcome, why + Shorten(e.Message), $"{nameof(GenCheckpointException)}.{e.Error}", Refusal: true,
                e.Message.Length > 10_000 ? $"The refusal's message quotes the whole offending value, however long: {e.Message.Length:N0} characters here." : null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Raw(e);
        }
    }

    /// <summary>An exception the method does not document, with where it was thrown.</summary>
    public static Verdict Raw(Exception e)
    {
        var frames = (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(6);
        return new Verdict(Outcome.Raw, $"{e.GetType().FullName}: {Shorten(e.Message)}\n{string.Join("\n", frames)}", e.GetType().FullName, Refusal: true);
    }

    /// <summary>The message as the report shows it: up to 600 characters, and the length of a longer one.</summary>
    public static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + $"... (a message of {text.Length} characters)";
}
