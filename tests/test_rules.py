"""The adaptive rules, vectorised (new firms taking customers, lay-offs), and lazy agents."""

import numpy as np
from economies import small_spec

from cwbsim.model.codes import LOCAL
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.state.workforce import UNEMPLOYED


def test_entrants_take_customers_only_from_capacity_bound_firms_of_their_sector_up_to_size():
    model = LocalEconomy(small_spec(), rng=3)
    economy, firms, labour = model.economy, model.firms, model.labour
    firm = economy.firm_idx
    local = firm[economy.active & (economy.tier[firm] == LOCAL)]
    sector = int(np.bincount(economy.sector[local]).argmax())
    same = local[economy.sector[local] == sector]
    labour.revenue[same] = 10 * economy.capacity[same - firm[0]] + 1.0  # all bound
    entrant = int(firm[np.flatnonzero(~economy.active)[0]])
    edges = economy.edges["consumption"]
    before = edges.payee.copy()
    worth = edges.share * labour.revenue[edges.payer]
    from_same = worth[np.isin(before, same)].sum()
    size = 0.4 * from_same
    firms._take_customers([(entrant, sector, size)], np.random.default_rng(0))
    moved = np.flatnonzero(edges.payee != before)
    assert len(moved) and np.all(edges.payee[moved] == entrant)
    assert np.all(np.isin(before[moved], same))  # only from bound firms of its sector
    taken = worth[moved].sum()
    assert taken <= size
    assert taken > size - worth[np.isin(before, same)].max()  # stops at the first edge too big


def test_lay_offs_cut_whole_slots_from_shrinking_employers_only():
    model = LocalEconomy(small_spec(), rng=4)
    workforce = model.economy.workforce
    jobs = workforce.jobs()
    employers = np.flatnonzero(jobs > 2)
    cuts = np.zeros(len(jobs))
    cuts[employers[:2]] = 2.0
    before = workforce.employer.copy()
    commuters = workforce.commuters.copy()
    model.labour._lay_off(cuts, np.zeros(len(jobs)), np.random.default_rng(1).random(len(before)))
    let_go = np.flatnonzero((before >= 0) & (workforce.employer == UNEMPLOYED))
    assert set(before[let_go]) <= set(employers[:2])
    people = np.bincount(before[let_go], workforce.people[let_go], minlength=len(jobs))
    from_commuters = commuters - workforce.commuters
    assert np.all(people + from_commuters <= cuts + 0.5)
    np.testing.assert_allclose((people + from_commuters)[employers[:2]], 2.0, atol=0.5)


def test_mesa_agents_are_made_on_first_use_and_stay_removed():
    model = LocalEconomy(small_spec(), rng=5)
    assert len(model.agents) == model.economy.n
    other = LocalEconomy(small_spec(), rng=5)
    other.remove_all_agents()  # before first use: none are made later either
    assert len(other.agents) == 0
