using Xunit;

namespace Gen.Dsl.Tests;

/// <summary>
/// Tests that time how fast hostile input is refused (within a second) run alone, after the parallel ones: on a
/// machine of two shared cores, a test compiling hundreds of models beside them would time the machine, not the code.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedRefusals
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Timed refusals";
}
