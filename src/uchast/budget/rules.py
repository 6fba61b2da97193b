"""Permissions of the participatory budget."""

import rules

from uchast.accounts.predicates import is_resident
from uchast.budget.actions import BudgetAction
from uchast.budget.predicates import (
    can_comment_project,
    is_budget_staff,
    is_project_author,
    is_project_coauthor,
    is_public_project,
    is_winner,
)

rules.add_perm("budget.view", rules.always_allow)
rules.add_perm("budget.view_project", is_public_project | is_project_author | is_project_coauthor | is_budget_staff)
rules.add_perm(BudgetAction.PROPOSE.permission, is_resident)
rules.add_perm("budget.change_project", is_project_author | is_project_coauthor)
rules.add_perm("budget.invite_coauthor", is_project_author)
rules.add_perm("budget.accept_invitation", rules.is_authenticated)
rules.add_perm(BudgetAction.VOTE.permission, is_resident)
rules.add_perm(BudgetAction.SUPPORT.permission, is_resident)
rules.add_perm("budget.follow", is_resident & is_winner)
rules.add_perm("budget.manage", is_budget_staff)
rules.add_perm("budget.review", is_budget_staff)
rules.add_perm("budget.enter_paper", is_budget_staff)
rules.add_perm(BudgetAction.COMMENT.permission, can_comment_project)
