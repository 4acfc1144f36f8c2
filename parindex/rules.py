"""Permission rules of the accounts: who may revoke an API token, who may issue an enrolment
code. The owner revokes their own tokens; account administrators (superusers, or staff holding
the model permission in the admin) revoke anyone's and issue codes."""

import rules


@rules.predicate
def owns_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


@rules.predicate
def is_token_admin(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("parindex.change_apitoken")


@rules.predicate
def is_enrolment_admin(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("parindex.add_enrolmentcode")


rules.add_perm("parindex.revoke_api_token", owns_token | is_token_admin)
rules.add_perm("parindex.issue_enrolment_code", is_enrolment_admin)
