using System;
using System.Globalization;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The checks every compiled model runs on what a caller passes in, before any computation: that a tensor is in the
/// model's dtype and on its device, and that a conditional model's context is present, has the declared width and one
/// row per data row (or a single row for all). Shared so that vector and image flows say the same thing the same way.
/// </summary>
internal static class ModelInput
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="node"/> when <paramref name="t"/> has another dtype or
    /// device than <paramref name="reference"/> (a parameter or buffer of the model).
    /// </summary>
    public static void CheckPlacement(torch.Tensor t, torch.Tensor reference, string node, string what, string parameter)
    {
        if (t.dtype != reference.dtype)
        {
            throw new ArgumentException($"{node}: the model computes in {reference.dtype}, but {what} is {t.dtype}; convert it with .to({reference.dtype}).", parameter);
        }

        if (t.device.type != reference.device.type || t.device.index != reference.device.index)
        {
            throw new ArgumentException($"{node}: the model lives on {reference.device}, but {what} is on {t.device}; move it with .to({Describe(reference.device)}) (or the model with model.to(...)).", parameter);
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="node"/> when a sample count is not positive.</summary>
    public static void CheckCount(long count, string node)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{node}: the number of samples must be positive, got {count}.");
        }
    }

    /// <summary>
    /// Throws <see cref="GenShapeException"/> naming <paramref name="node"/> unless <paramref name="x"/> is a batch
    /// [batch, ...<paramref name="eventShape"/>], and <see cref="ArgumentException"/> unless it has the dtype and device of
    /// <paramref name="reference"/>.
    /// </summary>
    public static void CheckBatch(torch.Tensor x, long[] eventShape, torch.Tensor reference, string node)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != eventShape.Length + 1 || !x.shape.AsSpan(1).SequenceEqual(eventShape))
        {
            throw new GenShapeException(node, $"expects a batch [batch, {string.Join(", ", eventShape)}], got a tensor of shape {Shape.Format(x.shape)}.");
        }

        CheckPlacement(x, reference, node, "the data", nameof(x));
    }

    /// <summary>
    /// <paramref name="count"/> uniform draws on [<paramref name="low"/>, <paramref name="high"/>]^event, in the dtype and
    /// on the device of <paramref name="reference"/>: where a model's Markov chains start. Throws
    /// <see cref="ArgumentOutOfRangeException"/> naming <paramref name="node"/> for a count below 1 or an empty range.
    /// </summary>
    public static torch.Tensor UniformStart(long count, long[] eventShape, double low, double high, torch.Tensor reference, torch.Generator? generator, string node)
    {
        CheckCount(count, node);
        if (!(low < high) || !double.IsFinite(low) || !double.IsFinite(high))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, string.Create(CultureInfo.InvariantCulture, $"{node}: the chains start in a finite range low < high, got [{low}, {high}]."));
        }

        using var scope = torch.NewDisposeScope();
        var shape = new[] { count }.Concat(eventShape).ToArray();
        return ((DeviceRandom.Uniform(shape, reference.dtype, reference.device, generator) * (high - low)) + low).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The device as code would name it: <c>Device.Cpu</c>, <c>Device.Cuda(0)</c>.
    /// </summary>
    private static string Describe(torch.Device device) =>
        device.type == DeviceType.CUDA ? $"Device.Cuda({Math.Max(device.index, 0)})" : device.type == DeviceType.CPU ? "Device.Cpu" : device.ToString();

    /// <summary>
    /// Whether every value of <paramref name="x"/> is 0 or 1, as a boolean scalar on its device: x·(x − 1) is exactly 0
    /// at 0 and 1 and nonzero (or NaN) anywhere else, so the test takes three passes and one buffer, where comparing with
    /// 0 and with 1 takes four and three. Models that take binary data run it on every call, so its cost shows.
    /// </summary>
    public static torch.Tensor AllBinary(torch.Tensor x) => x.sub(1).mul_(x).any().logical_not();

    /// <summary>
    /// Checks a context against a model conditioned on <paramref name="width"/> features (0: unconditional): none for an
    /// unconditional model, and otherwise one of shape [width] or rows ++ [width], in the model's dtype and on its device.
    /// </summary>
    /// <param name="context">The context given, or null.</param>
    /// <param name="width">The declared context width; 0 when the model takes none.</param>
    /// <param name="node">The path named in errors (for example <c>flow.context</c>).</param>
    /// <param name="declaration">How a user declares a context, named when one is given to an unconditional model.</param>
    /// <param name="reference">A parameter or buffer of the model, asked for only when there is a context to check
    /// (finding one walks the model's parameters, which an unconditional call need not pay for).</param>
    public static void CheckContext(torch.Tensor? context, int width, string node, string declaration, Func<torch.Tensor> reference)
    {
        if (width == 0)
        {
            if (context is not null)
            {
                throw new GenShapeException(node, $"the model takes no context, but got one of shape {Shape.Format(context.shape)}; declare one with {declaration}.");
            }

            return;
        }

        if (context is null)
        {
            throw new GenShapeException(node, $"the model is conditioned on a context of {width} features, but none was given; pass one of shape [{width}] or [batch, {width}].");
        }

        if (context.dim() < 1 || context.shape[^1] != width)
        {
            throw new GenShapeException(node, $"expects a context of shape [{width}] or [batch, {width}], got {Shape.Format(context.shape)}.");
        }

        CheckPlacement(context, reference(), node, "the context", nameof(context));
    }

    /// <summary>
    /// Checks a context as <see cref="CheckContext"/> does, and that a context with rows has exactly
    /// <paramref name="rows"/> (one per data row or sample); a single context [width] serves every row.
    /// </summary>
    /// <param name="context">The context given, or null.</param>
    /// <param name="width">The declared context width; 0 when the model takes none.</param>
    /// <param name="rows">The batch dimensions the context's rows must have.</param>
    /// <param name="what">What the rows are, in errors (for example "data" or "sample count").</param>
    /// <param name="shown">The shape shown for <paramref name="what"/> in errors.</param>
    /// <param name="node">The path named in errors.</param>
    /// <param name="declaration">How a user declares a context.</param>
    /// <param name="reference">A parameter or buffer of the model, asked for only when there is a context.</param>
    public static void CheckContextRows(torch.Tensor? context, int width, long[] rows, string what, long[] shown, string node, string declaration, Func<torch.Tensor> reference)
    {
        CheckContext(context, width, node, declaration, reference);
        if (context is not null && context.dim() > 1 && !context.shape[..^1].AsSpan().SequenceEqual(rows))
        {
            throw new GenShapeException(node, $"the context {Shape.Format(context.shape)} does not match the {what} {Shape.Format(shown)}: give one context row per row, or a single context [{width}].");
        }
    }
}
