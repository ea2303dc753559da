using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The input of a coupling's conditioner network in a conditional flow: the masked features followed by the context,
/// so one network reads both (its first layer is wider by the context's width). Without a context it is the masked
/// features alone, which keeps unconditional couplings exactly as they were.
/// </summary>
internal static class ConditionerInput
{
    /// <summary>
    /// [<paramref name="kept"/>, <paramref name="context"/>] along the last dimension, the context (shape B ++ [C])
    /// broadcast over the leading dimensions of <paramref name="kept"/>; <paramref name="kept"/> itself when there is no context.
    /// </summary>
    public static torch.Tensor Of(torch.Tensor kept, torch.Tensor? context)
    {
        if (context is null)
        {
            return kept;
        }

        var leading = kept.shape[..^1];
        return torch.cat(new[] { kept, context.expand(leading.Append(context.shape[^1]).ToArray()) }, -1);
    }
}
