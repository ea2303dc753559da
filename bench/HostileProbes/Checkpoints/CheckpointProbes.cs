using System.Collections.Generic;
using System.Linq;
using HostileProbes.Harness;

namespace HostileProbes.Checkpoints;

/// <summary>Category 2: damaged and forged checkpoints through <c>Model.Load</c>, <c>Model.ReadSpec</c>, <c>Model.LoadOptimizer</c> and <c>Model.LoadWeights</c>.</summary>
internal static class CheckpointProbes
{
    public const string Category = "checkpoints";

    public const string Description =
        "Checkpoints saved from the same small models (the vector flow with a FusedAdam that took one step, and every other family), then damaged: " +
        "cut at 15 places (header, each part, final hash); 70 single-bit flips at seeded random places; headers with other versions, complements, " +
        "negative, oversized and overflowing part lengths and broken checksums; weights parts with forged entry counts (2^31-1, 2^62, -1, ten 0xFF " +
        "bytes), name lengths, empty, 1 MB, invalid-UTF-8, repeated and unknown names, ranks 65, -1 and 2^31-1, sizes -1, 2^40 elements, a " +
        "[2^31, 2^31, 2^31] shape, unknown dtypes, NaN and infinite values; optimizer parts with forged name counts and names, tag, version, NaN " +
        "and out-of-range hyper-parameters, counts, ranks, sizes, step counts and moment lengths; JSON documents with a spec of 10^9 features, a " +
        "1.07-billion-parameter spec within every limit, a spec one unit wider or one step shorter than the weights, another family's spec, bad " +
        "dtypes, versions, state and fields, invalid UTF-8, a lone surrogate, 2 MiB of JSON, an empty or nested-10,000-deep part (each forgery " +
        "re-signed so that the reader's checks, not its checksums, meet it); every family loaded as a flow, and loaded into a flow; and paths " +
        "that are no checkpoint: a directory, /dev/zero, /dev/null, /dev/urandom, a FIFO, a symbolic-link loop, dangling links, a link to " +
        "/dev/zero, a socket, empty, PNG, zip, gzip and JSON files, /proc files, impossible paths, and a sparse 1 GiB file (not held to the " +
        "1 s budget: its time grows with its real size). Each through the readers that apply.";

    public static IReadOnlyList<Probe> All() =>
        Truncations.All()
            .Concat(BitFlips.All())
            .Concat(HeaderForgeries.All())
            .Concat(WeightForgeries.All())
            .Concat(OptimizerForgeries.All())
            .Concat(DocumentForgeries.All())
            .Concat(NotCheckpoints.All())
            .Select(c => c.ToProbe(Category))
            .ToList();
}
