using System;
using System.Globalization;

namespace Gen.Dsl;

/// <summary>
/// The size of a spec, counted node by node from the spec alone (each node's <c>Measure</c> mirrors what its
/// <c>Build</c> allocates) and checked against <see cref="SpecLimits"/> as it grows, so that counting a hostile spec
/// stops at the first value past a limit. Sizes are multiplied in 128 bits: widths and features near 2^31 overflow
/// 64 bits in a product of three.
/// </summary>
public sealed class SpecBudget
{
    /// <summary>The advice every limit error ends with.</summary>
    internal const string Raise = "To read a spec this large on purpose, pass raised SpecLimits to the loader or raise SpecLimits.Default.";

    private readonly SpecLimits limits;

    /// <summary>Creates an empty budget under <paramref name="limits"/>.</summary>
    internal SpecBudget(SpecLimits limits) => this.limits = limits;

    /// <summary>The trainable values counted so far (elements of the model's parameters).</summary>
    public long Parameters { get; private set; }

    /// <summary>
    /// The values of the model's whole state counted so far: parameters and buffers (masks, running statistics, the
    /// base distribution's location and scale). A checkpoint's weights hold exactly these, so a file with fewer values
    /// cannot be the spec's, and is refused before the spec is built.
    /// </summary>
    public long Values { get; private set; }

    /// <summary>The linear and convolutional layers counted so far.</summary>
    public int Layers { get; private set; }

    /// <summary>The flow steps counted so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Checks the features of an event, latent code or context at <paramref name="path"/>.</summary>
    public void Features(string path, Int128 value) => Within(path, "a feature count", value, limits.MaxFeatures, nameof(SpecLimits.MaxFeatures));

    /// <summary>Checks a layer's units (width, channels, filters, values per feature) at <paramref name="path"/>.</summary>
    public void Width(string path, Int128 value) => Within(path, "a width", value, limits.MaxWidth, nameof(SpecLimits.MaxWidth));

    /// <summary>Counts one flow step, at <paramref name="path"/>.</summary>
    public void Step(string path)
    {
        Steps++;
        Within(path, "the model's flow step count", Steps, limits.MaxSteps, nameof(SpecLimits.MaxSteps));
    }

    /// <summary>Counts <paramref name="parameters"/> trainable values at <paramref name="path"/>.</summary>
    public void Add(string path, Int128 parameters)
    {
        var total = Parameters + parameters;
        Within(path, "the model's parameter count", total, limits.MaxParameters, nameof(SpecLimits.MaxParameters));
        Parameters = (long)total;
        Buffer(path, parameters);
    }

    /// <summary>
    /// Counts <paramref name="values"/> values of state that are not trained (buffers) at <paramref name="path"/>. They
    /// are not limited on their own: each is the size of some parameter or of an event, whose limits bound it.
    /// </summary>
    public void Buffer(string path, Int128 values)
    {
        var total = Values + values;
        Within(path, "the model's state size", total, long.MaxValue, "(64-bit sizes)");
        Values = (long)total;
    }

    /// <summary>Batch normalisation's running mean and variance over <paramref name="width"/> units, and its batch counter.</summary>
    public void BatchStatistics(string path, Int128 width) => Buffer(path, (2 * width) + 1);

    /// <summary>A linear layer from <paramref name="inputs"/> to <paramref name="outputs"/> units: one layer, and its weight and bias.</summary>
    public void Linear(string path, Int128 inputs, Int128 outputs, bool bias = true)
    {
        Layer(path);
        Add(path, (inputs * outputs) + (bias ? outputs : 0));
    }

    /// <summary>A 2-D convolution (or transposed convolution) with a kernel of <paramref name="height"/> × <paramref name="width"/>: one layer, and its weight and bias.</summary>
    public void Conv(string path, Int128 inputs, Int128 outputs, Int128 height, Int128 width, bool bias = true)
    {
        Layer(path);
        Add(path, (inputs * outputs * height * width) + (bias ? outputs : 0));
    }

    /// <summary>A convolution as <see cref="Conv"/> whose weight is multiplied by a fixed mask, a buffer of the weight's shape.</summary>
    public void MaskedConv(string path, Int128 inputs, Int128 outputs, Int128 height, Int128 width)
    {
        Conv(path, inputs, outputs, height, width);
        Buffer(path, inputs * outputs * height * width);
    }

    /// <summary>Counts one layer that has no weights of the usual shape (an LSTM layer).</summary>
    public void Layer(string path)
    {
        Layers++;
        Within(path, "the model's layer count", Layers, limits.MaxLayers, nameof(SpecLimits.MaxLayers));
    }

    private static void Within(string path, string what, Int128 value, long limit, string name)
    {
        if (value > limit)
        {
            throw new GenCheckpointException(
                CheckpointError.LimitExceeded,
                $"{path}: {what} of {value.ToString(CultureInfo.InvariantCulture)} is above the limit of {limit.ToString(CultureInfo.InvariantCulture)} (SpecLimits.{name}); nothing was built. {Raise}",
                jsonPath: "$.spec");
        }
    }
}
