using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// An autoregressive model of binary vectors whose history is summarised by an LSTM (the recurrent model of the
/// autoregressive family, as PixelRNN does for raster-scanned images): at each position of <see cref="Order"/> the
/// LSTM has read the values before it, and a linear read-out of its state gives the logit of the next value.
/// Built with <see cref="Autoregressive.Rnn"/>.
/// </summary>
/// <param name="Features">D, the length of the vectors.</param>
/// <param name="Hidden">Units per LSTM layer.</param>
/// <param name="Layers">Stacked LSTM layers.</param>
/// <param name="Order">The order in which the features are predicted.</param>
public sealed record RnnSpec(long Features, int Hidden, int Layers, InputOrder Order) : IModelSpec<RnnModel>, ISizedSpec
{
    private const string Path = "rnn";

    /// <summary>The same model over another feature order.</summary>
    public RnnSpec WithOrder(InputOrder order) => Checked(this with { Order = order ?? throw new System.ArgumentNullException(nameof(order)) });

    /// <summary>The same model with another number of stacked LSTM layers.</summary>
    public RnnSpec WithLayers(int layers) => Checked(this with { Layers = layers });

    /// <summary>
    /// Compiles the spec to a new, independent module on <paramref name="device"/>; with a <paramref name="seed"/> the
    /// initial weights are the same on every compile.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    public RnnModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Check();
        return SpecCompiler.Compile(() => new RnnModel(this), device, dtype, seed);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Rnn({Features}; lstm: {Layers}x{Hidden}, order: {Order})";

    internal static RnnSpec Checked(RnnSpec spec)
    {
        spec.Check();
        return spec;
    }

    private void Check()
    {
        Autoregressive.CheckFeatures(Path, Features, Order);
        if (Hidden < 1)
        {
            throw new GenShapeException($"{Path}.hidden", $"the number of hidden units must be positive, got {Hidden}.");
        }

        if (Layers < 1)
        {
            throw new GenShapeException($"{Path}.layers", $"the number of LSTM layers must be positive, got {Layers}.");
        }
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features($"{Path}.features", Features);
        budget.Width($"{Path}.hidden", Hidden);
        for (int l = 0; l < Layers; l++)
        {
            // An LSTM layer: input and recurrent weights [4H, in] and [4H, H], and two biases [4H]; the first reads one value.
            var layer = $"{Path}.layers[{l}]";
            budget.Layer(layer);
            budget.Add(layer, (4 * (Int128)Hidden * ((l == 0 ? 1 : Hidden) + Hidden)) + (8 * (Int128)Hidden));
        }

        budget.Linear($"{Path}.readout", Hidden, 1);
    }
}
