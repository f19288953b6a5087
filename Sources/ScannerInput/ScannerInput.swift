import MESCore
