import pytest
import torch

from explorer.models import AE, VAE, AEConfig, Classifier, ClassifierConfig, InfoGAN, InfoGANConfig, VAEConfig

TINY_GAN = dict(g_channels=(8, 4), d_channels=(4, 8), g_hidden=16, d_hidden=16, q_hidden=8)


def images(n=6, seed=0):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("cls,config", [(AE, AEConfig("mnist", 2, (32,))), (AE, AEConfig("fashion", 16, (32, 16))),
                                        (VAE, VAEConfig("mnist", 2, (32,))), (VAE, VAEConfig("mnist", 16, (32,)))])
def test_autoencoders_shapes_loss_and_one_step(cls, config):
    torch.manual_seed(0)
    model = cls(config)
    x = images()
    z = model.eval().encode(x)
    assert z.shape == (6, config.latent_dim) and z.device.type == "cpu"
    out = model.decode(z)
    assert out.shape == (6, 1, 28, 28) and 0 <= out.min() and out.max() <= 1
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    torch.manual_seed(1)   # the same reparameterisation noise for both VAE evaluations
    before = model.loss(x)["loss"]
    assert torch.isfinite(before)
    opt.zero_grad()
    before.backward()
    opt.step()
    torch.manual_seed(1)
    assert model.loss(x)["loss"] < before   # one step on the same batch lowers its loss


def test_vae_posterior_and_elbo_terms():
    model = VAE(VAEConfig("mnist", 2, (32,))).eval()
    mu, logvar = model.posterior(images())
    assert mu.shape == logvar.shape == (6, 2)
    assert torch.equal(model.encode(images()), mu)        # encode = posterior mean
    terms = model.negative_elbo(images())
    assert (terms["kl"] >= 0).all() and torch.allclose(terms["nelbo"], terms["recon"] + terms["kl"])


def test_infogan_generate_infer_and_losses():
    torch.manual_seed(0)
    model = InfoGAN(InfoGANConfig("mnist", **TINY_GAN)).eval()
    n = 5
    x = model.generate(torch.arange(n), torch.zeros(n), torch.linspace(-1, 1, n), torch.randn(n, model.noise_dim))
    assert x.shape == (n, 1, 28, 28) and 0 <= x.min() and x.max() <= 1
    assert model.latent_dim == 62 + 10 + 2 and model.decode(torch.zeros(2, 74)).shape == (2, 1, 28, 28)
    logits, cont = model.infer_codes(x)
    assert logits.shape == (n, 10) and cont.shape == (n, 2)
    assert model.features(x).shape == (n, 16)
    model.train()
    c1, cont, z = model.sample_codes(8)
    terms = model.information_loss(model.trunk(model.generator(model.latent(c1, cont, z))), c1, cont)
    assert all(torch.isfinite(v) for v in terms.values())


def test_infogan_rejects_bad_codes():
    model = InfoGAN(InfoGANConfig("mnist", **TINY_GAN)).eval()
    with pytest.raises(ValueError, match="c1 must lie in 0..9"):
        model.generate(torch.tensor([10]), torch.zeros(1), torch.zeros(1), torch.zeros(1, 62))
    with pytest.raises(ValueError, match="same N"):
        model.generate(torch.tensor([1, 2]), torch.zeros(1), torch.zeros(1), torch.zeros(1, 62))
    with pytest.raises(ValueError, match=r"noise z must have shape \[N, 62\]"):
        model.generate(torch.tensor([1]), torch.zeros(1), torch.zeros(1), torch.zeros(1, 10))


def test_classifier_probabilities():
    model = Classifier(ClassifierConfig("mnist", channels=(4, 8), hidden=16)).eval()
    p = model.predict_proba(images())
    assert p.shape == (6, 10) and torch.allclose(p.sum(1), torch.ones(6))
    loss = model.loss(images(), torch.arange(6))["loss"]
    assert torch.isfinite(loss)


@pytest.mark.parametrize("bad,message", [
    (torch.rand(3, 3, 28, 28), r"shape \[N, 1, 28, 28\]"),
    (torch.rand(3, 784), r"shape \[N, 1, 28, 28\]"),
    (torch.zeros(3, 1, 28, 28, dtype=torch.uint8), "must be float"),
])
def test_wrong_images_get_a_clear_error(bad, message):
    model = AE(AEConfig("mnist", 2, (8,))).eval()
    with pytest.raises(ValueError, match=message):
        model.encode(bad)


def test_wrong_latent_shape_gets_a_clear_error():
    with pytest.raises(ValueError, match=r"latent vectors must have shape \[N, 2\]"):
        VAE(VAEConfig("mnist", 2, (8,))).decode(torch.zeros(4, 3))
