using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A parameter-free layer that reshapes each event from one shape to another (same size) and keeps any leading batch
/// dimensions: what lets an MLP take or give images. TorchSharp's Unflatten rejects negative dimensions, which leading
/// dimensions of varying number need.
/// </summary>
internal sealed class EventReshape : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    private readonly int fromRank;
    private readonly long[] to;

    /// <summary>Creates the layer from events of rank <paramref name="fromRank"/> to events of shape <paramref name="to"/>.</summary>
    public EventReshape(string name, int fromRank, long[] to) : base(name)
    {
        this.fromRank = fromRank;
        this.to = to;
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor x) => x.reshape(x.shape[..^fromRank].Concat(to).ToArray());
}
