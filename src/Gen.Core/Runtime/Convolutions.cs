using System;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Runtime;

/// <summary>
/// 2-D convolutions and transposed convolutions that give correct results on the CPU. Every convolution in Gen goes
/// through here; use it in networks of your own too.
/// </summary>
/// <remarks>
/// <para>libtorch 2.10's CPU build (the one TorchSharp 0.107 ships) computes float32 convolutions with oneDNN 3.7.1,
/// which copies weights into layouts that hold channels in blocks of 8 (AVX2) or 16 (AVX-512), padding a partial block
/// with zeros. Where oneDNN believes the CPU's level-1 cache to be tiny (it reads the cache size from a CPUID leaf that
/// some hypervisors leave empty, as on AMD EPYC virtual machines), that copy reorders its loops and then zeroes the
/// wrong stretch of the destination: real weights become zero and the padding keeps whatever memory held before. The
/// convolution is then wrong, differently from run to run with the same seed, and now and then NaN (0 · NaN). Measured
/// on such a machine with freed memory filled with NaN: of 1024 convolutions (1 to 24 channels in and out, kernels 1,
/// 3, 4 and 5, strides 1 and 2, each with its output and both gradients checked against float64), 385 were wrong, and
/// 350 of 1024 transposed ones. Keeping tensors channels-last instead avoided most of those but not all (14 of 1024
/// transposed convolutions wrong), and crashed the process in a 1×1 stride-2 convolution of one channel, another
/// oneDNN defect.</para>
/// <para>So here every partial block is padded with real zero channels before libtorch sees it, and the extra outputs
/// are dropped: output channels (per group) are padded to a multiple of 16, and input channels too when there are
/// more than 8 (fewer are read without blocking). A copy that needs no padding never reaches the defective code. On
/// the machine above, with oneDNN's AVX-512 and AVX2 kernels alike, every one of the 2048 cases was right. Channel
/// counts that are already multiples of 16 cost nothing extra; others cost the padded channels' arithmetic. Other
/// devices and dtypes (float64 does not use oneDNN) call libtorch unchanged.</para>
/// </remarks>
public static class Convolutions
{
    // oneDNN's float32 channel block on AVX-512; a multiple of AVX2's 8.
    private const long Block = 16;

    // Input channels up to this count are read unblocked by the kernels of both instruction sets.
    private const long Unblocked = 8;

    /// <summary>
    /// <c>torch.nn.functional.conv2d</c>, with partial channel blocks padded on the CPU (see the remarks on
    /// <see cref="Convolutions"/>).
    /// </summary>
    /// <param name="input">Input [N, C, H, W].</param>
    /// <param name="weight">Weight [out, C / groups, kernel height, kernel width].</param>
    /// <param name="bias">Bias [out], or null.</param>
    /// <param name="stride">Strides (height, width); 1 when null.</param>
    /// <param name="padding">Zero padding (height, width); 0 when null.</param>
    /// <param name="dilation">Dilation (height, width); 1 when null.</param>
    /// <param name="groups">Channel groups.</param>
    /// <returns>[N, out, H', W'].</returns>
    public static torch.Tensor Conv2d(
        torch.Tensor input,
        torch.Tensor weight,
        torch.Tensor? bias = null,
        long[]? stride = null,
        long[]? padding = null,
        long[]? dilation = null,
        long groups = 1)
    {
        if (!Affected(input, weight) || groups < 1 || weight.shape[0] % groups != 0)
        {
            return torch.nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups);
        }

        long inPer = weight.shape[1], outPer = weight.shape[0] / groups;
        long inTo = inPer > Unblocked ? RoundUp(inPer) : inPer, outTo = RoundUp(outPer);
        if (inTo == inPer && outTo == outPer)
        {
            return torch.nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups);
        }

        using var scope = torch.NewDisposeScope();
        // Weight [g·out, in, kh, kw] as [g, out, in, kh, kw]: pad in, then out.
        var w = Pad(weight.unflatten(0, groups, outPer), 0, 0, 0, 0, 0, inTo - inPer, 0, outTo - outPer).flatten(0, 1);
        var y = torch.nn.functional.conv2d(PadChannels(input, groups, inPer, inTo), w, PadBias(bias, groups, outPer, outTo), stride, padding, dilation, groups);
        return Unpad(y, groups, outPer, outTo).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>torch.nn.functional.conv_transpose2d</c>, with partial channel blocks padded on the CPU (see the remarks on
    /// <see cref="Convolutions"/>).
    /// </summary>
    /// <param name="input">Input [N, C, H, W].</param>
    /// <param name="weight">Weight [C, out / groups, kernel height, kernel width].</param>
    /// <param name="bias">Bias [out], or null.</param>
    /// <param name="stride">Strides (height, width); 1 when null.</param>
    /// <param name="padding">Padding removed from the output (height, width); 0 when null.</param>
    /// <param name="outputPadding">Rows and columns added at the bottom and right of the output; 0 when null.</param>
    /// <param name="dilation">Dilation (height, width); 1 when null.</param>
    /// <param name="groups">Channel groups.</param>
    /// <returns>[N, out, H', W'].</returns>
    public static torch.Tensor ConvTranspose2d(
        torch.Tensor input,
        torch.Tensor weight,
        torch.Tensor? bias = null,
        long[]? stride = null,
        long[]? padding = null,
        long[]? outputPadding = null,
        long[]? dilation = null,
        long groups = 1)
    {
        if (!Affected(input, weight) || groups < 1 || weight.shape[0] % groups != 0)
        {
            return torch.nn.functional.conv_transpose2d(input, weight, bias, stride, padding, outputPadding, dilation, groups);
        }

        // The transpose of a convolution from out to in channels: the roles of the two counts swap.
        long inPer = weight.shape[0] / groups, outPer = weight.shape[1];
        long inTo = RoundUp(inPer), outTo = outPer > Unblocked ? RoundUp(outPer) : outPer;
        if (inTo == inPer && outTo == outPer)
        {
            return torch.nn.functional.conv_transpose2d(input, weight, bias, stride, padding, outputPadding, dilation, groups);
        }

        using var scope = torch.NewDisposeScope();
        // Weight [g·in, out, kh, kw] as [g, in, out, kh, kw]: pad out, then in.
        var w = Pad(weight.unflatten(0, groups, inPer), 0, 0, 0, 0, 0, outTo - outPer, 0, inTo - inPer).flatten(0, 1);
        var y = torch.nn.functional.conv_transpose2d(PadChannels(input, groups, inPer, inTo), w, PadBias(bias, groups, outPer, outTo), stride, padding, outputPadding, dilation, groups);
        return Unpad(y, groups, outPer, outTo).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs TorchSharp's <paramref name="layer"/> on <paramref name="input"/> as <see cref="Conv2d"/> does: its weight, bias,
    /// stride, padding, dilation and groups, with zero padding.
    /// </summary>
    /// <exception cref="NotSupportedException">The layer pads other than with zeros, or by a padding rule ("same") instead of sizes.</exception>
    public static torch.Tensor Apply(Conv2d layer, torch.Tensor input)
    {
        CheckZeroPadding(layer, "conv2d");
        return Conv2d(input, layer.weight!, layer.bias, layer.stride, layer.padding, layer.dilation, layer.groups);
    }

    /// <summary>
    /// Runs TorchSharp's <paramref name="layer"/> on <paramref name="input"/> as <see cref="ConvTranspose2d"/> does: its
    /// weight, bias, stride, padding, output padding, dilation and groups.
    /// </summary>
    /// <exception cref="NotSupportedException">The layer pads other than with zeros, or by a padding rule instead of sizes.</exception>
    public static torch.Tensor Apply(ConvTranspose2d layer, torch.Tensor input)
    {
        CheckZeroPadding(layer, "conv_transpose2d");
        return ConvTranspose2d(input, layer.weight!, layer.bias, layer.stride, layer.padding, layer.output_padding, layer.dilation, layer.groups);
    }

    /// <summary>Whether libtorch would compute this convolution with oneDNN's blocked kernels.</summary>
    private static bool Affected(torch.Tensor input, torch.Tensor weight) =>
        input.device_type == DeviceType.CPU
        && input.dim() == 4
        && weight.dim() == 4
        && (input.dtype == torch.float32 || input.dtype == torch.bfloat16 || input.dtype == torch.float16);

    private static long RoundUp(long channels) => (channels + Block - 1) / Block * Block;

    /// <summary>Zero padding at the end of the trailing dimensions, given as (before, after) pairs from the last dimension back.</summary>
    private static torch.Tensor Pad(torch.Tensor x, params long[] pairs) => torch.nn.functional.pad(x, pairs);

    /// <summary>[N, g·c, H, W] to [N, g·to, H, W], each group's channels followed by zero channels.</summary>
    private static torch.Tensor PadChannels(torch.Tensor x, long groups, long c, long to) =>
        to == c ? x : Pad(x.unflatten(1, groups, c), 0, 0, 0, 0, 0, to - c).flatten(1, 2);

    private static torch.Tensor? PadBias(torch.Tensor? bias, long groups, long c, long to) =>
        bias is null || to == c ? bias : Pad(bias.unflatten(0, groups, c), 0, to - c).flatten(0, 1);

    /// <summary>[N, g·to, H, W] back to [N, g·c, H, W], dropping each group's padded channels.</summary>
    private static torch.Tensor Unpad(torch.Tensor y, long groups, long c, long to) =>
        to == c ? y : groups == 1 ? y.narrow(1, 0, c) : y.unflatten(1, groups, to).narrow(2, 0, c).flatten(1, 2);

    private static void CheckZeroPadding(Convolution layer, string node)
    {
        if (layer.padding_mode != PaddingModes.Zeros || layer.padding_type is not null)
        {
            throw new NotSupportedException(
                $"{node}: only layers with zero padding given as sizes can run here; this one pads with {layer.padding_mode}{(layer.padding_type is null ? string.Empty : $" by the rule {layer.padding_type}")}.");
        }
    }
}
