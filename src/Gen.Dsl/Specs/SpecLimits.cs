using System;
using System.Threading;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// How large a spec read from a document or checkpoint may be. A few bytes of JSON can describe a model of any size
/// (<c>"features": 1000000000</c>, a width of 2^31 − 1, a million layers), and building it would take whatever memory and
/// time it asks for; so <see cref="SpecJson.FromJson(string, SpecLimits?)"/>, <see cref="Model.Load(string, torch.Device, SpecLimits?)"/>
/// and <see cref="Model.ReadSpec(string, SpecLimits?)"/> size the spec first — its features, widths, steps, layers and
/// parameter count, computed from the spec without building anything — and refuse one that passes a limit, with a
/// <see cref="GenCheckpointException"/> (<see cref="CheckpointError.LimitExceeded"/>) that names the node, its value and
/// the limit. A checkpoint's weights are also compared with the parameter count before anything is allocated.
/// </summary>
/// <remarks>
/// <para>The defaults admit every model Gen's examples and benchmarks train with a wide margin (the largest have a few
/// million parameters) and keep a refused spec cheap. To read larger specs on purpose, pass raised limits to the
/// loader (<c>SpecLimits.Default.WithMaxParameters(10_000_000_000)</c>), or raise <see cref="Default"/> for the whole
/// process; <see cref="Unlimited"/> turns the checks off for documents you trust.</para>
/// <para>Specs built in code are not limited: <c>Compile</c> builds what it is given.</para>
/// </remarks>
public sealed record SpecLimits
{
    private static SpecLimits current = new();

    /// <summary>
    /// The limits loaders use when none are passed; settable, for the whole process (a raised default applies to every
    /// later load, from any thread).
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public static SpecLimits Default
    {
        get => Volatile.Read(ref current);
        set => Volatile.Write(ref current, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>No limits at all: for documents from a source you trust.</summary>
    public static SpecLimits Unlimited { get; } = new()
    {
        MaxFeatures = long.MaxValue,
        MaxWidth = long.MaxValue,
        MaxSteps = int.MaxValue,
        MaxLayers = int.MaxValue,
        MaxParameters = long.MaxValue,
        MaxDocumentBytes = int.MaxValue,
    };

    /// <summary>
    /// The most features of one event, latent code or context: a vector's length, or an image's channels × height ×
    /// width. Default 2^24 (16,777,216: a 3 × 2048 × 2048 image).
    /// </summary>
    public long MaxFeatures { get; init; } = 1L << 24;

    /// <summary>
    /// The most units of one layer: a hidden layer's width, a convolution's channels or filters, and the values per
    /// feature a head or label input adds (pixel levels, mixture components, classes). Default 65,536.
    /// </summary>
    public long MaxWidth { get; init; } = 1L << 16;

    /// <summary>The most bijector steps of all the flows in a model together (a VAE's prior and posterior included). Default 1,024.</summary>
    public int MaxSteps { get; init; } = 1 << 10;

    /// <summary>
    /// The most linear and convolutional layers in the whole model (LSTM layers count too): each costs a module to build,
    /// whatever its width. Default 16,384.
    /// </summary>
    public int MaxLayers { get; init; } = 1 << 14;

    /// <summary>The most trainable values (parameter elements) of the whole model. Default 2^31 (2,147,483,648: 8 GiB in float32).</summary>
    public long MaxParameters { get; init; } = 1L << 31;

    /// <summary>
    /// The longest spec document, in bytes of UTF-8 (a checkpoint's JSON part; a string given to
    /// <see cref="SpecJson.FromJson(string, SpecLimits?)"/> is counted in characters), refused before it is parsed:
    /// parsing takes time and memory in proportion to the document's length, about a fifth of a second per megabyte of
    /// small numbers. Default 1 MiB; a flow of a thousand coupling steps takes about 300 KB.
    /// </summary>
    public long MaxDocumentBytes { get; init; } = 1L << 20;

    /// <summary>These limits with another <see cref="MaxFeatures"/>.</summary>
    public SpecLimits WithMaxFeatures(long value) => this with { MaxFeatures = Positive(value, nameof(MaxFeatures)) };

    /// <summary>These limits with another <see cref="MaxWidth"/>.</summary>
    public SpecLimits WithMaxWidth(long value) => this with { MaxWidth = Positive(value, nameof(MaxWidth)) };

    /// <summary>These limits with another <see cref="MaxSteps"/>.</summary>
    public SpecLimits WithMaxSteps(int value) => this with { MaxSteps = (int)Positive(value, nameof(MaxSteps)) };

    /// <summary>These limits with another <see cref="MaxLayers"/>.</summary>
    public SpecLimits WithMaxLayers(int value) => this with { MaxLayers = (int)Positive(value, nameof(MaxLayers)) };

    /// <summary>These limits with another <see cref="MaxParameters"/>.</summary>
    public SpecLimits WithMaxParameters(long value) => this with { MaxParameters = Positive(value, nameof(MaxParameters)) };

    /// <summary>These limits with another <see cref="MaxDocumentBytes"/>.</summary>
    public SpecLimits WithMaxDocumentBytes(long value) => this with { MaxDocumentBytes = Positive(value, nameof(MaxDocumentBytes)) };

    /// <summary>Checks <paramref name="spec"/> against these limits without building it, as the loaders do.</summary>
    /// <param name="spec">A model spec of a kind that has a JSON form.</param>
    /// <exception cref="GenCheckpointException">The spec passes a limit (<see cref="CheckpointError.LimitExceeded"/>); the message names the node, its value and the limit.</exception>
    /// <exception cref="ArgumentException">The spec is not one of Gen's model specs.</exception>
    public void Check(IModelSpec<torch.nn.Module> spec) => Measure(spec);

    /// <summary>The spec's size, checked against these limits as it is counted.</summary>
    internal SpecBudget Measure(IModelSpec<torch.nn.Module> spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // Every model spec a document or checkpoint can hold counts its own size.
        var sized = spec as ISizedSpec ?? throw new ArgumentException($"A {spec.GetType().Name} is not one of Gen's model specs, so it cannot be sized.", nameof(spec));
        var budget = new SpecBudget(this);
        sized.Measure(budget);
        return budget;
    }

    /// <summary>Refuses a document longer than <see cref="MaxDocumentBytes"/> before it is parsed.</summary>
    internal void CheckDocument(long length)
    {
        if (length > MaxDocumentBytes)
        {
            throw new GenCheckpointException(
                CheckpointError.LimitExceeded,
                $"$: the document is {length} bytes long, above the limit of {MaxDocumentBytes} (SpecLimits.MaxDocumentBytes); it was not parsed. {SpecBudget.Raise}",
                jsonPath: "$");
        }
    }

    private static long Positive(long value, string name) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"SpecLimits.{name} must be positive.");
}
