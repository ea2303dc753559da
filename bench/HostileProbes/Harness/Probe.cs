using System;

namespace HostileProbes.Harness;

/// <summary>
/// One hostile input and what the library did with it. <see cref="Arrange"/> prepares the input (a document, a file) and
/// returns the act, which alone is measured. <paramref name="Budgeted"/> probes are refusals held to the one-second,
/// 100 MB target (hostile specs and checkpoints); <paramref name="Reproduction"/> is a few lines of C# that do the same
/// from a user's program, printed for any probe that reveals a defect.
/// </summary>
internal sealed record Probe(string Category, string Name, Func<Func<Verdict>> Arrange, string Reproduction, bool Budgeted, int TimeoutSeconds = 30)
{
    /// <summary>A probe with nothing to prepare.</summary>
    public static Probe Of(string category, string name, Func<Verdict> act, string reproduction, bool budgeted, int timeoutSeconds = 30) =>
        new(category, name, () => act, reproduction, budgeted, timeoutSeconds);
}
