"""Study 1: regression of the superconducting critical temperature (Hamidieh 2018 / UCI data)."""
