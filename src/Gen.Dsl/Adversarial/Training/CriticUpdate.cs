using System;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>The critic's side of the adversarial game (<see cref="Adversary"/>): one update, and the default optimizer.</summary>
internal static class CriticUpdate
{
    /// <summary>
    /// One critic update: the objective's discriminator loss on <paramref name="real"/> against <paramref name="fake"/>
    /// (drawn without gradient to the model), a step of <paramref name="optimizer"/>, then the objective's constraint. The
    /// gradients are cleared after the step, so none is left on the critic when a trainer clips or checks the gradients of
    /// a module that holds both players (a GAN).
    /// </summary>
    /// <returns>The loss, detached (in the caller's dispose scope).</returns>
    public static torch.Tensor Run(AdversarialLoss objective, FusedAdam optimizer, Parameter[] parameters, torch.Tensor real, torch.Tensor fake, Func<torch.Tensor, torch.Tensor> critic, torch.Generator? generator, long update)
    {
        var batch = new CriticBatch(real, fake, critic, generator) { Update = update };
        var loss = objective.DiscriminatorLoss(batch);
        optimizer.ZeroGrad();
        loss.backward();
        optimizer.Step();
        optimizer.ZeroGrad();
        objective.Constrain(parameters);
        return loss.detach();
    }

    /// <summary>Adam with learning rate 2·10⁻⁴ and β = (0.5, 0.999) (Radford et al., 2016).</summary>
    public static FusedAdam DefaultOptimizer(Parameter[] parameters) => new(parameters, learningRate: 2e-4, beta1: 0.5, beta2: 0.999);

    /// <summary>Turns gradients of <paramref name="parameters"/> on or off.</summary>
    public static void SetRequiresGrad(Parameter[] parameters, bool value)
    {
        foreach (var p in parameters)
        {
            p.requires_grad = value;
        }
    }
}
