using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="RnnSpec"/>: exact <c>LogProb</c> in one LSTM pass over the sequence, and exact ancestral
/// sampling that carries the LSTM state forward, one step per feature (D steps of one position each, not D passes
/// over the whole sequence).
/// </summary>
/// <remarks>
/// The LSTM reads, at position p of the order, the value at position p − 1 encoded as 2x − 1 (±1), and 0 at the
/// first position, so the first prediction sees nothing and every later one sees exactly the values before it.
/// </remarks>
public sealed class RnnModel : AutoregressiveBinaryModel
{
    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly LSTM lstm;
    private readonly Linear readout;
    private readonly FeatureOrder positions;

    internal RnnModel(RnnSpec spec) : base("rnn", spec.Features)
    {
        Spec = spec;
        positions = new FeatureOrder(spec.Order.For(spec.Features));
        lstm = LayerInitialization.Seeded(torch.nn.LSTM(1, spec.Hidden, spec.Layers, batchFirst: true), spec.Hidden);
        readout = LayerInitialization.Seeded(torch.nn.Linear(spec.Hidden, 1));
        register_module(nameof(lstm), lstm);
        register_module(nameof(readout), readout);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public RnnSpec Spec { get; }

    /// <inheritdoc/>
    public override long[] Order => positions.Order;

    private protected override torch.Tensor LogitsCore(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var ordered = positions.ToPositions(x);                                   // [B, D]
        var previous = torch.cat(new[] { torch.zeros_like(ordered.narrow(1, 0, 1)), ordered.narrow(1, 0, Features - 1) * 2 - 1 }, 1);
        var (states, _, _) = lstm.forward(previous.unsqueeze(-1));               // [B, D, H]
        var logits = readout.forward(states).squeeze(-1);                         // [B, D]
        return positions.ToFeatures(logits).MoveToOuterDisposeScope();
    }

    private protected override torch.Tensor SampleCore(long count, torch.Generator? generator)
    {
        var reference = Reference();
        var input = torch.zeros(new[] { count, 1L, 1L }, dtype: reference.dtype, device: reference.device);
        (torch.Tensor, torch.Tensor)? state = null;
        var columns = new torch.Tensor[Features];
        for (int p = 0; p < Features; p++)
        {
            var (output, h, c) = lstm.forward(input, state);
            state = (h, c);
            columns[p] = Bernoulli(readout.forward(output).reshape(count), generator);
            input = (columns[p] * 2 - 1).reshape(count, 1, 1);
        }

        return positions.ToFeatures(torch.stack(columns, 1));
    }
}
