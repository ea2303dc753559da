using System;
using System.Collections.Generic;

namespace Gen.Dsl.Tests.IllFormedSpecs;

/// <summary>
/// One declaration with exactly one defect: the code that declares it (and, for specs assembled around the factories,
/// compiles it), the node path the error must name, and words the message must contain.
/// </summary>
/// <param name="Defect">What is wrong, for the failure report.</param>
/// <param name="Declare">Declares (or compiles) the spec; it must throw.</param>
/// <param name="Path">The node path (or argument name) the message must contain.</param>
/// <param name="Words">Further text the message must contain (the offending sizes or values).</param>
internal sealed record IllFormedCase(string Defect, Action Declare, string Path, IReadOnlyList<string> Words)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Defect} (expects '{Path}' and [{string.Join(", ", Words)}])";
}
