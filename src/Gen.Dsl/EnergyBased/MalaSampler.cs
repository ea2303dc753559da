using System;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The Metropolis-adjusted Langevin algorithm (Roberts and Tweedie 1996): the Langevin move is a proposal x′, accepted
/// with probability min(1, exp(E(x) − E(x′) + log q(x | x′) − log q(x′ | x))), q the proposal's Gaussian density, so
/// the target law is exactly invariant for any step size.
/// </summary>
/// <param name="StepSize">ε.</param>
/// <param name="Steps">Steps per run.</param>
public sealed record MalaSampler(double StepSize, int Steps) : McmcSampler(StepSize, Steps)
{
    /// <inheritdoc/>
    protected override string Node => "mala";

    private protected override (torch.Tensor X, torch.Tensor Energy, torch.Tensor Gradient) Propose(
        Func<torch.Tensor, torch.Tensor> energy, torch.Tensor x, torch.Tensor e, torch.Tensor grad, torch.Generator? generator, out long accepted)
    {
        var proposal = LangevinMove(x, grad, generator);
        var (pe, pg) = EnergyAndGradient(energy, proposal);
        // log q(b | a) = −‖b − a + ε/2 ∇E(a)‖² / (2ε) + const, summed over each chain's event.
        long[] eventDims = EventDims(x);
        torch.Tensor LogQ(torch.Tensor to, torch.Tensor from, torch.Tensor gradFrom) =>
            (to - from + (gradFrom * (StepSize / 2))).square().sum(eventDims) * (-1 / (2 * StepSize));
        var logRatio = e - pe + LogQ(x, proposal, pg) - LogQ(proposal, x, grad);
        var u = DeviceRandom.Uniform(logRatio.shape, logRatio.dtype, logRatio.device, generator);
        // A NaN ratio (a proposal off the finite numbers) is refused, not accepted.
        var accept = u.log().lt(logRatio);
        accepted = accept.sum().item<long>();
        var mask = accept.reshape(new[] { x.shape[0] }.Concat(eventDims.Select(_ => 1L)).ToArray());
        return (torch.where(mask, proposal, x), torch.where(accept, pe, e), torch.where(mask, pg, grad));
    }

    private static long[] EventDims(torch.Tensor x) => System.Linq.Enumerable.Range(1, (int)x.dim() - 1).Select(d => (long)d).ToArray();
}
