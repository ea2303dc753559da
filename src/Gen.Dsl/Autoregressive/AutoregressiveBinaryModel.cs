using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A compiled autoregressive model of binary vectors: p(x) = Πᵢ Bernoulli(x_{o(i)} | σ(l_{o(i)}(x_{o(&lt;i)}))) in the
/// model's <see cref="Order"/> o. A TorchSharp module (parameters, optimizers, <c>to()</c>, <c>state_dict()</c> work as
/// usual) whose forward pass is the log-probability of a batch.
/// </summary>
public abstract class AutoregressiveBinaryModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IDensityModel, IChecksData
{
    private readonly string node;

    private protected AutoregressiveBinaryModel(string node, long features) : base(node)
    {
        this.node = node;
        Features = features;
    }

    /// <summary>D, the number of binary features.</summary>
    public long Features { get; }

    /// <summary>The order in use: position p holds feature <c>Order[p]</c>.</summary>
    public abstract long[] Order { get; }

    /// <summary>
    /// Whether <see cref="LogProb"/> and <see cref="Logits"/> check that every value is 0 or 1 (default true). The check
    /// reads one flag back from the device on every call; turn it off in a training loop over data already checked.
    /// Shapes, dtype and device are always checked.
    /// </summary>
    public bool CheckValues { get; set; } = true;

    /// <summary>
    /// The logits of the conditionals: entry d is log-odds of x_d = 1 given the features before d in
    /// <see cref="Order"/>; shape [batch, D]. Entries depend only on those earlier features of <paramref name="x"/>.
    /// </summary>
    /// <exception cref="GenShapeException">x is not [batch, D].</exception>
    /// <exception cref="ArgumentException">x has another dtype or device than the model, or a value other than 0 and 1.</exception>
    public torch.Tensor Logits(torch.Tensor x)
    {
        CheckInput(x, "logits");
        return LogitsCore(x);
    }

    /// <summary>log p(x) in nats for a batch of binary vectors of shape [batch, D]; returns shape [batch].</summary>
    /// <exception cref="GenShapeException">x is not [batch, D].</exception>
    /// <exception cref="ArgumentException">x has another dtype or device than the model, or a value other than 0 and 1.</exception>
    public torch.Tensor LogProb(torch.Tensor x)
    {
        CheckInput(x, "log_prob");
        using var scope = torch.NewDisposeScope();
        var logits = LogitsCore(x);
        // log σ(l) for x = 1 and log σ(−l) for x = 0, both x·l − softplus(l), finite for every finite logit; libtorch's
        // fused binary cross-entropy computes exactly that in one kernel.
        return torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: torch.nn.Reduction.None).sum(-1).neg().MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input) => LogProb(input);

    /// <summary>
    /// Draws <paramref name="count"/> exact samples by ancestral sampling (no gradient), shape [count, D], in the
    /// model's dtype and on its device.
    /// </summary>
    /// <param name="count">Number of samples.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>), usable for a model on any device; the device's global generator when null.</param>
    public torch.Tensor Sample(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{node}.sample");

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var frozen = MaskedWeights.Freeze(); // one mask product per layer per draw, not per pass
        return SampleCore(count, generator).MoveToOuterDisposeScope();
    }

    /// <summary>The logits for a checked batch.</summary>
    private protected abstract torch.Tensor LogitsCore(torch.Tensor x);

    /// <summary>
    /// Ancestral sampling with D full passes of <see cref="Logits"/>, the reference the models' faster samplers (MADE's
    /// incremental pass, NADE's running sum) are tested against: the same draws from the same generator.
    /// </summary>
    internal torch.Tensor SampleByFullPasses(long count, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var frozen = MaskedWeights.Freeze();
        return FullPasses(count, generator).MoveToOuterDisposeScope();
    }

    /// <summary>Ancestral sampling; by default one full pass per position (D passes of <see cref="LogitsCore"/>).</summary>
    private protected virtual torch.Tensor SampleCore(long count, torch.Generator? generator) => FullPasses(count, generator);

    private torch.Tensor FullPasses(long count, torch.Generator? generator)
    {
        var reference = Reference();
        var x = torch.zeros(new[] { count, Features }, dtype: reference.dtype, device: reference.device);
        foreach (var feature in Order)
        {
            using var step = torch.NewDisposeScope();
            var logit = LogitsCore(x).select(1, feature);
            x.index_put_(Bernoulli(logit, generator), torch.TensorIndex.Colon, torch.TensorIndex.Single(feature));
        }

        return x;
    }

    /// <summary>One draw per logit: 1 with probability σ(logit), in the logit's dtype.</summary>
    private protected static torch.Tensor Bernoulli(torch.Tensor logit, torch.Generator? generator)
    {
        var u = DeviceRandom.Uniform(logit.shape, logit.dtype, logit.device, generator);
        return u.lt(torch.sigmoid(logit)).to(logit.dtype);
    }

    /// <summary>A parameter (or buffer) of the model: its dtype and device are the model's.</summary>
    /// <inheritdoc/>
    public bool Accepts(torch.Tensor data) => CheckedBatches.Passes(() => CheckInput(data, "accepts"));

    private protected torch.Tensor Reference() => parameters().FirstOrDefault() ?? buffers().First();

    private void CheckInput(torch.Tensor x, string method)
    {
        ArgumentNullException.ThrowIfNull(x);
        var where = $"{node}.{method}";
        if (x.dim() != 2 || x.shape[1] != Features)
        {
            throw new GenShapeException(where, $"expects a batch of shape [batch, {Features}], got a tensor of shape {Shape.Format(x.shape)}.");
        }

        ModelInput.CheckPlacement(x, Reference(), where, "the data", nameof(x));

        if (!CheckValues || CheckedBatches.IsTrusted(x))
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        // Only a failing batch pays for locating the value.
        if (!ModelInput.AllBinary(x).item<bool>())
        {
            var bad = x.ne(0).logical_and(x.ne(1));
            var flat = bad.flatten().nonzero()[0, 0].item<long>();
            var value = x.flatten()[flat].ToDouble();
            throw new ArgumentException(
                $"{where}: the data must be binary (0 or 1), but entry [{flat / Features}, {flat % Features}] is {value}; binarise it first: Transforms.BinarizeStatic(x / 255, 0.5) for 0..255 pixels such as Mnist.Load's, or Transforms.BinarizeStatic(x) for values in [0, 1].",
                nameof(x));
        }
    }
}
